#!/usr/bin/env bash
# cs_property harness: a throwaway PostgreSQL cluster and Odoo around the add-on.
#
#   tools/harness.sh test    lint, install/upgrade/uninstall log checks, upgrade from the
#                            previous release, pytest + coverage
#   tools/harness.sh upgrade only the upgrade from the previous release (see upgrade_checks)
#   tools/harness.sh demo    Odoo with cs_property and demo data on http://localhost:8069
#   tools/harness.sh pot     refresh cs_property/i18n/cs_property.pot from a fresh database
#   tools/harness.sh bench   run bench/*.py against a fresh database and print their figures
#
# Environment (defaults work on a machine set up as README says):
#   ODOO_SRC      Odoo 19.0 source tree                       (/opt/odoo)
#   ODOO_PYTHON   Python that imports Odoo's requirements     ($ODOO_SRC/venv/bin/python, else python3)
#   PG_BIN        PostgreSQL server binaries (initdb, pg_ctl) (newest /usr/lib/postgresql/*/bin)
#   HTTP_PORT     port of `demo`                              (8069)
#   KEEP_PG=1     keep the cluster directory after the run, for post-mortems
#   SKIP_LIFECYCLE=1 / SKIP_UPGRADE=1  leave out those stages of `test` (local runs)
#   UPGRADE_FROM  git revision to upgrade from (default: the previous release, found from git)
set -Eeuo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ADDON=cs_property
ODOO_SRC=${ODOO_SRC:-/opt/odoo}
if [ -z "${ODOO_PYTHON:-}" ]; then
    if [ -x "$ODOO_SRC/venv/bin/python" ]; then ODOO_PYTHON=$ODOO_SRC/venv/bin/python; else ODOO_PYTHON=python3; fi
fi
DB_USER=cs_odoo
COVERAGE_MIN=${COVERAGE_MIN:-90}

say() { printf '\n==> %s\n' "$*"; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 2; }

check_prerequisites() {
    [ -f "$ODOO_SRC/odoo/release.py" ] && [ -f "$ODOO_SRC/odoo-bin" ] \
        || die "no Odoo source at ODOO_SRC=$ODOO_SRC (expected odoo/release.py and odoo-bin). Install Odoo 19.0 there or set ODOO_SRC; see README."
    command -v "$ODOO_PYTHON" >/dev/null 2>&1 || die "ODOO_PYTHON=$ODOO_PYTHON is not an executable Python."
    local version
    version=$(cd "$ODOO_SRC" && "$ODOO_PYTHON" -c 'import odoo.release as r; print(r.series)' 2>/dev/null) \
        || die "$ODOO_PYTHON cannot import Odoo from $ODOO_SRC: install its requirements.txt into that Python; see README."
    [ "$version" = "19.0" ] || die "Odoo at $ODOO_SRC is $version, cs_property needs 19.0."
    (cd "$ODOO_SRC" && "$ODOO_PYTHON" -c 'import psycopg2, lxml, werkzeug, babel, passlib, PIL') 2>/dev/null \
        || die "$ODOO_PYTHON lacks Odoo's Python requirements (psycopg2, lxml, …): pip install -r $ODOO_SRC/requirements.txt"
    if [ -z "${PG_BIN:-}" ]; then
        PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
        [ -n "$PG_BIN" ] || PG_BIN=$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/initdb)")
    fi
    [ -x "$PG_BIN/initdb" ] && [ -x "$PG_BIN/pg_ctl" ] \
        || die "no PostgreSQL server binaries (initdb, pg_ctl) found; install PostgreSQL >= 13 or set PG_BIN."
    export PYTHONPATH="$ODOO_SRC${PYTHONPATH:+:$PYTHONPATH}"
}

# What the tests drive besides Odoo: the PDF printer and the browser of the tours.
check_test_prerequisites() {
    local wk
    wk=$(command -v wkhtmltopdf 2>/dev/null) \
        || die "no wkhtmltopdf on PATH: the tests print every report to PDF. Install it (Debian/Ubuntu: apt-get install wkhtmltopdf; the distribution's 0.12.6 build is enough); see README."
    "$wk" --version >/dev/null 2>&1 || die "$wk does not run (wkhtmltopdf --version failed); reinstall it."
    command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 \
        || command -v google-chrome >/dev/null 2>&1 || command -v google-chrome-stable >/dev/null 2>&1 \
        || die "no Chromium on PATH (chromium, chromium-browser or google-chrome): the browser tours need it. Install it (Debian/Ubuntu: apt-get install chromium); see README."
    if command -v fc-list >/dev/null 2>&1; then
        [ -n "$(fc-list :lang=zh family 2>/dev/null)" ] \
            || die "no Chinese font: printed forms would show empty boxes. Install one (Debian/Ubuntu: apt-get install fonts-noto-cjk); see README."
    fi
}

install_test_tools() {
    say "Test tools (requirements-test.txt)"
    "$ODOO_PYTHON" -m pip install --quiet --disable-pip-version-check -r "$ROOT/requirements-test.txt"
}

# ---------------------------------------------------------------- PostgreSQL
PG_DIR=
as_pg() {
    # PostgreSQL refuses to run as root: run the cluster as the postgres system user.
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

stop_pg() {
    [ -n "$PG_DIR" ] || return 0
    if [ -f "$PG_DIR/data/postmaster.pid" ]; then
        as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    if [ "${KEEP_PG:-0}" = 1 ]; then echo "cluster kept in $PG_DIR"; else rm -rf "$PG_DIR"; fi
    PG_DIR=
}

start_pg() {
    PG_DIR=$(mktemp -d /tmp/cs_property_pg.XXXXXX)
    trap stop_pg EXIT
    trap 'exit 130' INT TERM
    chmod 755 "$PG_DIR"
    [ "$(id -u)" = 0 ] && chown postgres: "$PG_DIR"
    PG_PORT=$("$ODOO_PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    say "PostgreSQL: throwaway cluster in $PG_DIR (port $PG_PORT, socket only)"
    as_pg "$PG_BIN/initdb" -D "$PG_DIR/data" -U "$DB_USER" -A trust -E UTF8 --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1 \
        || { cat "$PG_DIR/initdb.log"; die "initdb failed"; }
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/postgres.log" -w \
        -o "-c listen_addresses='' -c unix_socket_directories='$PG_DIR' -p $PG_PORT -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >/dev/null || { cat "$PG_DIR/postgres.log"; die "PostgreSQL did not start"; }
    mkdir -p "$PG_DIR/odoo-data"
    cat >"$PG_DIR/odoo.conf" <<CONF
[options]
addons_path = $ODOO_SRC/addons,$ODOO_SRC/odoo/addons,$ROOT
db_host = $PG_DIR
db_port = $PG_PORT
db_user = $DB_USER
data_dir = $PG_DIR/odoo-data
admin_passwd = admin
list_db = True
http_interface = 127.0.0.1
max_cron_threads = 0
CONF
    ODOO_CONF=$PG_DIR/odoo.conf
}

odoo() { (cd "$ODOO_SRC" && "$ODOO_PYTHON" odoo-bin "$@"); }

# Lines at WARNING or above fail the log check; tools/log-allowlist.txt lists
# regexes of messages that come from the machine, not from the add-on.
check_log() {
    local log=$1 what=$2 bad
    bad=$(grep -E '^[0-9-]+ [0-9:,]+ [0-9]+ (WARNING|ERROR|CRITICAL) ' "$log" \
        | grep -v -E -f <(grep -v -E '^(#|$)' "$ROOT/tools/log-allowlist.txt") || true)
    if [ -n "$bad" ]; then
        printf '%s: the log is not clean:\n%s\n' "$what" "$bad" >&2
        return 1
    fi
    echo "$what: log clean"
}

run_logged() {
    local what=$1; shift
    local log="$PG_DIR/$(echo "$what" | tr ' /' '__').log"
    if ! odoo "$@" --log-level=info --logfile="$log"; then
        tail -n 60 "$log" >&2
        die "$what failed"
    fi
    check_log "$log" "$what"
}

# ---------------------------------------------------------------- commands
lint() {
    say "ruff (lint and format check)"
    (cd "$ROOT" && "$ODOO_PYTHON" -m ruff check . && "$ODOO_PYTHON" -m ruff format --check .)
    say "pylint-odoo (mandatory checks)"
    (cd "$ROOT" && "$ODOO_PYTHON" -m pylint --rcfile=.pylintrc-mandatory "$ADDON")
}

build_wheel() {
    say "Wheel (whool): odoo-addon-$ADDON"
    local out="$PG_DIR/wheel"
    "$ODOO_PYTHON" -m pip wheel --quiet --disable-pip-version-check --no-deps "$ROOT/$ADDON" -w "$out" \
        2>&1 | grep -v "is ignored: it is neither a file nor a directory" || true
    "$ODOO_PYTHON" - "$out" "$ADDON" <<'PY'
import glob, sys, zipfile
out, addon = sys.argv[1:]
wheels = glob.glob(f"{out}/odoo_addon_{addon}-19.0.*.whl")
if not wheels:
    sys.exit(f"no odoo_addon_{addon} wheel was built in {out}")
names = zipfile.ZipFile(wheels[0]).namelist()
for needed in ("__manifest__.py", "i18n/zh_CN.po", "security/ir.model.access.csv"):
    if f"odoo/addons/{addon}/{needed}" not in names:
        sys.exit(f"{wheels[0]} lacks odoo/addons/{addon}/{needed}")
print(f"built {wheels[0].rsplit('/', 1)[1]} ({len(names)} files)")
PY
}

lifecycle_checks() {
    say "Install without demo data, upgrade, uninstall (logs must be clean)"
    run_logged "install without demo" -c "$ODOO_CONF" -d cs_lifecycle -i "$ADDON" --without-demo --stop-after-init
    run_logged "upgrade" -c "$ODOO_CONF" -d cs_lifecycle -u "$ADDON" --stop-after-init
    local log="$PG_DIR/uninstall.log"
    (cd "$ODOO_SRC" && "$ODOO_PYTHON" odoo-bin module uninstall -c "$ODOO_CONF" -d cs_lifecycle "$ADDON") >"$log" 2>&1 \
        || { tail -n 60 "$log" >&2; die "uninstall failed"; }
    check_log "$log" "uninstall"
}

# The previous release (tag, else git history: tools/upgrade_check.py previous),
# installed with demo data from `git archive` (never the network), given
# business data by tools/upgrade_seed.py with ITS code, then upgraded to the
# working tree: the upgrade log must be clean and tools/upgrade_check.py finds
# nothing lost or changed and the invariants holding.
upgrade_checks() {
    local started=$SECONDS rev version how
    if [ -n "${UPGRADE_FROM:-}" ]; then
        rev=$(git -C "$ROOT" rev-parse "$UPGRADE_FROM^{commit}") || die "UPGRADE_FROM=$UPGRADE_FROM is no git revision"
        version=$(git -C "$ROOT" show "$rev:$ADDON/__manifest__.py" | "$ODOO_PYTHON" -c 'import ast, sys; print(ast.literal_eval(sys.stdin.read())["version"])')
        how="UPGRADE_FROM=$UPGRADE_FROM"
    else
        read -r rev version how < <("$ODOO_PYTHON" "$ROOT/tools/upgrade_check.py" previous --root "$ROOT") \
            || die "no previous release found in git (a shallow clone? git fetch --unshallow --tags; SKIP_UPGRADE=1 leaves the stage out)"
    fi
    say "Upgrade from the previous release $version (${rev:0:10}, $how) to the working tree"
    local old="$PG_DIR/previous-release"
    mkdir -p "$old"
    git -C "$ROOT" archive "$rev" "$ADDON" | tar -x -C "$old"
    sed "s#^addons_path = .*#addons_path = $ODOO_SRC/addons,$ODOO_SRC/odoo/addons,$old#" \
        "$ODOO_CONF" >"$PG_DIR/odoo-previous.conf"
    run_logged "install $version with demo" -c "$PG_DIR/odoo-previous.conf" -d cs_upgrade \
        -i "$ADDON" --with-demo --stop-after-init
    local seed_log="$PG_DIR/upgrade_seed.log"
    if ! "$ODOO_PYTHON" "$ROOT/tools/upgrade_seed.py" -c "$PG_DIR/odoo-previous.conf" -d cs_upgrade \
        --snapshot "$PG_DIR/upgrade_snapshot.json" --log-level=warn >"$seed_log" 2>&1; then
        tail -n 40 "$seed_log" >&2
        die "business data with the code of $version failed (tools/upgrade_seed.py)"
    fi
    grep -v -E '^[0-9-]+ [0-9:,]+ [0-9]+ ' "$seed_log" || true
    run_logged "upgrade $version to the working tree" -c "$ODOO_CONF" -d cs_upgrade \
        -u "$ADDON" --stop-after-init
    "$ODOO_PYTHON" "$ROOT/tools/upgrade_check.py" check -c "$ODOO_CONF" -d cs_upgrade \
        --snapshot "$PG_DIR/upgrade_snapshot.json" --log-level=warn \
        || die "the upgrade from $version lost or changed data (above)"
    echo "upgrade checks: $((SECONDS - started)) s"
}

cmd_upgrade() {
    check_prerequisites
    start_pg
    upgrade_checks
}

cmd_test() {
    check_prerequisites
    check_test_prerequisites
    install_test_tools
    lint
    start_pg
    build_wheel
    [ "${SKIP_LIFECYCLE:-0}" = 1 ] || lifecycle_checks
    [ "${SKIP_UPGRADE:-0}" = 1 ] || upgrade_checks
    say "Install with demo data into the test database"
    run_logged "install with demo" -c "$ODOO_CONF" -d cs_test -i "$ADDON" --with-demo --stop-after-init
    say "pytest + pytest-odoo (coverage >= $COVERAGE_MIN%; HTTP server for the tours and PDF assets)"
    cd "$ROOT"
    local rc=0
    "$ODOO_PYTHON" -m pytest "$ADDON" \
        --odoo-config="$ODOO_CONF" --odoo-database=cs_test --odoo-http \
        --cov="$ADDON" --cov-config="$ROOT/.coveragerc" --cov-report=term-missing:skip-covered \
        --cov-fail-under="$COVERAGE_MIN" "$@" || rc=$?
    return "$rc"
}

cmd_demo() {
    check_prerequisites
    start_pg
    say "Installing cs_property with demo data (a few minutes)"
    run_logged "install with demo" -c "$ODOO_CONF" -d cs_demo -i "$ADDON" --with-demo --stop-after-init \
        || true
    say "Odoo on http://localhost:${HTTP_PORT:-8069} — log in as admin / admin (Ctrl-C stops and removes everything)"
    odoo -c "$ODOO_CONF" -d cs_demo --db-filter='^cs_demo$' --http-port="${HTTP_PORT:-8069}" \
        --http-interface=127.0.0.1 --max-cron-threads=1
}

cmd_bench() {
    check_prerequisites
    start_pg
    run_logged "install" -c "$ODOO_CONF" -d cs_bench -i "$ADDON" --stop-after-init
    say "Benchmarks (figures, not pass/fail)"
    for script in "$ROOT"/bench/bench_*.py; do  # bench/_common.py is their shared helper
        "$ODOO_PYTHON" "$script" -c "$ODOO_CONF" -d cs_bench "$@" 2>&1 | grep -v -E '^[0-9-]+ [0-9:,]+ [0-9]+ INFO '
    done
}

cmd_pot() {
    check_prerequisites
    start_pg
    # with demo: demo records' translatable names (products, payment terms) are
    # terms the Chinese demo must show translated, so the template carries them
    run_logged "install" -c "$ODOO_CONF" -d cs_pot -i "$ADDON" --with-demo --stop-after-init
    odoo i18n export -c "$ODOO_CONF" -d cs_pot "$ADDON"
    echo "wrote $ROOT/$ADDON/i18n/$ADDON.pot"
}

case "${1:-}" in
    test) shift; cmd_test "$@" ;;
    demo) shift; cmd_demo "$@" ;;
    pot) shift; cmd_pot "$@" ;;
    bench) shift; cmd_bench "$@" ;;
    upgrade) shift; cmd_upgrade "$@" ;;
    *) echo "usage: $0 test|upgrade|demo|pot|bench" >&2; exit 2 ;;
esac
