"""Upgrade test of ``tools/harness.sh`` (stage ``upgrade_checks``): what an
upgrade must keep.

    upgrade_check.py previous [--root DIR]
        the previous release (git revision, version, how it was found):
        the newest tag ``19.0.x.y.z`` reachable from HEAD whose version differs
        from the working tree's manifest, else the newest commit of the
        history whose manifest has another version (fresh clones may lack tags)
    upgrade_check.py check -c CONF -d DB --snapshot FILE
        after ``-u cs_property``: nothing lost or changed against the snapshot
        that ``tools/upgrade_seed.py`` wrote with the previous release, and the
        invariants hold with the new code (exit 1 with one line per failure)

``snapshot(env)`` is pure SQL, so the seed takes it with the old code.
"""

import argparse
import ast
import json
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

ADDON = "cs_property"
MANIFEST = f"{ADDON}/__manifest__.py"
VERSION_TAG = re.compile(r"^\d+\.\d+\.\d+\.\d+\.\d+$")

# What a release's migration changes on purpose (HISTORY.md says why), keyed
# by the version upgraded to: the check accepts exactly these changes of open
# SLA lines and nothing else. A release without an entry changes none.
INTENDED_SLA_CHANGES = {
    "19.0.1.2.0": {
        # rework clocks start at the issue: the running clocks of drafts go
        "removed": lambda env, model, res_id: (
            model == "cs.property.rework" and env[model].browse(res_id).state == "draft"
        ),
        # a non-conformity's rectification clock ends at the end of its
        # working day ("Rectify By" is the SLA deadline)
        "deadline_moved": {"cs.property.nonconformity"},
    },
}

# Numbered forms: sequence code -> (model, field holding the number). A gap-free
# sequence of the add-on missing here fails the check (list the new form).
NUMBERED = {
    "cs.property.complaint": ("cs.property.complaint", "name"),
    "cs.property.repair": ("cs.property.repair", "name"),
    "cs.property.rework": ("cs.property.rework", "name"),
    "cs.property.handover": ("cs.property.handover", "name"),
    "cs.property.nonconformity": ("cs.property.nonconformity", "name"),
    "cs.property.renovation": ("cs.property.renovation", "name"),
    "cs.property.renovation.permit": ("cs.property.renovation", "permit_number"),
    "cs.property.renovation.pass": ("cs.property.renovation.pass", "number"),
    "cs.property.renovation.violation": ("cs.property.renovation.violation", "name"),
}


# ---------------------------------------------------------------- previous release
def _git(root, *args):
    return subprocess.run(
        ["git", "-C", str(root), *args], check=True, capture_output=True, text=True
    ).stdout


def _version(text):
    return ast.literal_eval(text)["version"]


def _version_at(root, rev):
    try:
        return _version(_git(root, "show", f"{rev}:{MANIFEST}"))
    except (subprocess.CalledProcessError, SyntaxError, ValueError, KeyError):
        return None


def _key(version):
    return tuple(int(p) for p in version.split("."))


def previous_release(root):
    """(revision, version, how) of the release the working tree upgrades from."""
    current = _version((Path(root) / MANIFEST).read_text())
    tags = [
        t
        for t in _git(root, "tag", "--merged", "HEAD").split()
        if VERSION_TAG.match(t) and _key(t) < _key(current)
    ]
    if tags:
        tag = max(tags, key=_key)
        return _git(root, "rev-list", "-n", "1", tag).strip(), tag, f"tag {tag}"
    # no tag: walk the manifest's history (first parents: the main line);
    # the release is the last commit before the version became the current one
    newer = None  # oldest commit seen so far that has the current version
    for rev in _git(root, "log", "--first-parent", "--format=%H", "HEAD", "--", MANIFEST).split():
        version = _version_at(root, rev)
        if version is None:
            continue
        if version != current:
            if newer is None:  # the working tree bumped the version: HEAD is the release
                return _git(root, "rev-parse", "HEAD").strip(), version, "HEAD (history)"
            parent = _git(root, "rev-parse", f"{newer}^1").strip()
            return parent, _version_at(root, parent), f"history (parent of {newer[:10]})"
        newer = rev
    sys.exit(f"no earlier version of {MANIFEST} than {current} in the git history")


# ---------------------------------------------------------------- snapshot
def _tables(cr):
    """Tables the add-on owns: its models' tables and its many2many tables."""
    cr.execute(
        """SELECT m.model FROM ir_model m
             JOIN ir_model_data d ON d.model = 'ir.model' AND d.res_id = m.id
            WHERE d.module = %s""",
        [ADDON],
    )
    names = {model.replace(".", "_") for (model,) in cr.fetchall()}
    cr.execute(
        """SELECT r.name FROM ir_model_relation r JOIN ir_module_module m ON m.id = r.module
            WHERE m.name = %s""",
        [ADDON],
    )
    names |= {name for (name,) in cr.fetchall()}
    cr.execute(
        "SELECT relname FROM pg_class WHERE relkind = 'r' AND relname = ANY(%s)", [sorted(names)]
    )
    return sorted(name for (name,) in cr.fetchall())


def _counts(cr):
    counts = {}
    for table in _tables(cr):
        cr.execute(f'SELECT count(*) FROM "{table}"')  # catalogue names
        counts[table] = cr.fetchone()[0]
    return counts


def _posted_moves(cr):
    cr.execute(
        """SELECT m.id, m.name, m.move_type, m.date::text, m.partner_id,
                  m.amount_total_signed::text
             FROM account_move m WHERE m.state = 'posted' ORDER BY m.id"""
    )
    moves = {
        str(mid): {"name": name, "type": mtype, "date": date, "partner": partner, "amount": amount}
        for mid, name, mtype, date, partner, amount in cr.fetchall()
    }
    cr.execute(
        """SELECT l.move_id, l.account_id, l.partner_id, l.debit::text, l.credit::text,
                  l.amount_currency::text, COALESCE(l.analytic_distribution::text, '')
             FROM account_move_line l
            WHERE l.parent_state = 'posted'
            ORDER BY l.move_id, l.account_id, l.debit, l.credit, l.id"""
    )
    for move_id, *line in cr.fetchall():
        moves[str(move_id)].setdefault("lines", []).append(line)
    return moves


def _claimed_months(cr):
    """(unit, item, month) -> invoice of every posted, unreleased charge month."""
    cr.execute(
        """SELECT b.unit_id, b.item_id, b.month::text, b.move_id
             FROM cs_property_billing_line b JOIN account_move m ON m.id = b.move_id
            WHERE m.state = 'posted' AND b.released IS NOT TRUE"""
    )
    return {f"{u}/{i}/{m}": move for u, i, m, move in cr.fetchall()}


def _open_sla_lines(cr):
    cr.execute(
        """SELECT id, res_model, res_id, status, deadline::text
             FROM cs_property_sla_line WHERE status IN ('running', 'paused')"""
    )
    return {str(row[0]): list(row[1:]) for row in cr.fetchall()}


def _last_numbers(env):
    """Per gap-free sequence of the add-on: the highest number of its form."""
    result = {}
    for code, (model, field) in NUMBERED.items():
        table = env[model]._table if model in env else model.replace(".", "_")
        env.cr.execute(
            f'SELECT "{field}" FROM "{table}" WHERE "{field}" IS NOT NULL AND "{field}" != %s',
            ["/"],
        )
        numbers = [n for (n,) in env.cr.fetchall()]
        result[code] = max(numbers, key=_number_key) if numbers else None
    return result


def _number_key(number):
    match = re.match(r"^(.*?)(\d+)$", number or "")
    return (match.group(1), int(match.group(2))) if match else (number or "", -1)


def snapshot(env):
    cr = env.cr
    env.flush_all()
    cr.execute("SELECT demo FROM ir_module_module WHERE name = %s", [ADDON])
    return {
        "demo": cr.fetchone()[0],
        "counts": _counts(cr),
        "moves": _posted_moves(cr),
        "claimed": _claimed_months(cr),
        "deposits": _deposit_balances(cr),
        "sla": _open_sla_lines(cr),
        "numbers": _last_numbers(env),
    }


def _deposit_balances(cr):
    """Per (liability account, applicant): deposit register and account balance."""
    cr.execute(
        """SELECT r.partner_id, sum(d.amount) FROM cs_property_renovation_deposit d
             JOIN cs_property_renovation r ON r.id = d.renovation_id GROUP BY r.partner_id"""
    )
    register = {str(p): round(float(a), 2) for p, a in cr.fetchall()}
    cr.execute(
        """SELECT l.partner_id, -sum(l.balance) FROM account_move_line l
            WHERE l.parent_state = 'posted' AND l.move_id IN (
                  SELECT move_id FROM cs_property_renovation_deposit WHERE move_id IS NOT NULL)
              AND l.account_id IN (
                  SELECT id FROM account_account
                   WHERE account_type IN ('liability_current', 'liability_non_current'))
            GROUP BY l.partner_id"""
    )
    ledger = {str(p): round(float(a), 2) for p, a in cr.fetchall()}
    return {"register": register, "ledger": ledger}


# ---------------------------------------------------------------- checks
class Failures(list):
    def add(self, what, detail):
        self.append(f"{what}: {detail}")


def _compare_sla(env, before, after, failures, version):
    """Open SLA lines kept as they were, but for the release's declared changes;
    returns how many lines the release removed on purpose."""
    intended = INTENDED_SLA_CHANGES.get(version, {})
    removed_ok = intended.get("removed", lambda env, model, res_id: False)
    moved_ok = intended.get("deadline_moved", set())
    removed = 0
    for line_id, line in sorted(before["sla"].items()):
        now = after["sla"].get(line_id)
        if now == line:
            continue
        model, res_id = line[0], line[1]
        if now is None and removed_ok(env, model, res_id):
            removed += 1
            continue
        if now and model in moved_ok and now[:3] == line[:3] and now[3]:
            continue
        failures.add("open SLA line", f"id {line_id} {line} -> {now or 'not open any more'}")
    return removed


def _compare(before, after, failures, removed_sla=0):
    for table, count in sorted(before["counts"].items()):
        now = after["counts"].get(table)
        if now is None:
            failures.add("lost table", f"{table} ({count} rows before the upgrade) is gone")
        elif now < count - (removed_sla if table == "cs_property_sla_line" else 0):
            failures.add("lost rows", f"{table}: {count} rows before the upgrade, {now} after")
    for move_id, move in sorted(before["moves"].items(), key=lambda kv: int(kv[0])):
        now = after["moves"].get(move_id)
        if now is None:
            failures.add("journal entry", f"{move['name']} (id {move_id}) is no longer posted")
            continue
        for key in ("name", "type", "date", "partner", "amount", "lines"):
            if now.get(key) != move.get(key):
                failures.add(
                    "journal entry changed",
                    f"{move['name']} (id {move_id}) {key}: {move.get(key)!r} -> {now.get(key)!r}",
                )
    for month, move in sorted(before["claimed"].items()):
        if after["claimed"].get(month) != move:
            failures.add(
                "charge month",
                f"unit/item/month {month} was claimed by invoice {move}, "
                f"now by {after['claimed'].get(month)}",
            )
    for side, label in (("register", "deposit register"), ("ledger", "deposit liability")):
        was, now = before["deposits"][side], after["deposits"][side]
        for partner in sorted(set(was) | set(now), key=int):
            if was.get(partner) != now.get(partner):
                failures.add(
                    label,
                    f"applicant (partner id) {partner}: {was.get(partner)} -> {now.get(partner)}",
                )
    if before["demo"] and not after["demo"]:
        failures.add("demo", "the database was installed with demo data, now flagged without")


def _invariants(env, after, failures):
    cr = env.cr
    # every posted charge month claimed once
    cr.execute(
        """SELECT b.unit_id, b.item_id, b.month, count(*) FROM cs_property_billing_line b
             JOIN account_move m ON m.id = b.move_id
            WHERE m.state = 'posted' AND b.released IS NOT TRUE
            GROUP BY 1, 2, 3 HAVING count(*) > 1"""
    )
    for unit, item, month, count in cr.fetchall():
        failures.add("charge month", f"unit {unit} item {item} {month} claimed {count} times")
    # deposit register = liability balance, per applicant
    deposits = after["deposits"]
    for partner in sorted(set(deposits["register"]) | set(deposits["ledger"])):
        register = deposits["register"].get(partner, 0.0)
        ledger = deposits["ledger"].get(partner, 0.0)
        if abs(register - ledger) > 0.005:
            failures.add(
                "deposit register",
                f"applicant {partner}: register {register:.2f} != liability {ledger:.2f}",
            )
    # open SLA lines still planned: their document exists and the cron runs
    cron = env.ref(f"{ADDON}.cron_sla_process", raise_if_not_found=False)
    if after["sla"] and not (cron and cron.active):
        failures.add("open SLA lines", "the SLA cron cs_property.cron_sla_process is not active")
    by_model = defaultdict(set)
    for model, res_id, _status, deadline in after["sla"].values():
        by_model[model].add(res_id)
        if not deadline:
            failures.add("open SLA lines", f"a line on {model} {res_id} has no deadline")
    for model, ids in sorted(by_model.items()):
        missing = set(ids) - set(env[model].browse(ids).exists().ids)
        if missing:
            failures.add("open SLA lines", f"{model} {sorted(missing)} are gone")
    _check_numbering(env, after, failures)
    _check_views(env, failures)


def _new_numbered(env, code):
    """One new record of the form (a copy of its latest), returning its number."""
    model, field = NUMBERED[code]
    Model = env[model]
    if code == "cs.property.renovation.permit":
        reno = (
            Model.search([("state", "=", "approved")])
            .filtered(lambda r: r.fee_payment_state in ("paid", "in_payment") and r.deposit_held)
            .sorted("id")[:1]
        )
        if not reno:
            return None, "no approved renovation with fees paid and deposit held"
        reno.action_issue_permit()
        return reno[field], None
    latest = Model.search([(field, "not in", (False, "/"))], order="id desc", limit=1)
    if not latest:
        return None, "no record to copy"
    if code in ("cs.property.renovation.violation", "cs.property.renovation.pass"):
        # passes and notices belong to works under way
        works = env["cs.property.renovation"].search([("state", "=", "works")], limit=1)
        default = {"renovation_id": works.id} if works else {}
        if works and code == "cs.property.renovation.pass":
            # a pass is valid only within its works' period
            default.update(date_from=works.date_start, date_to=works.date_end)
        return latest.copy(default)[field], None
    if code == "cs.property.nonconformity":
        return latest.copy({"severity": latest.severity})[field], None
    return latest.copy()[field], None


def _check_numbering(env, after, failures):
    env.cr.execute(
        """SELECT s.code FROM ir_sequence s
             JOIN ir_model_data d ON d.model = 'ir.sequence' AND d.res_id = s.id
            WHERE d.module = %s AND s.implementation = 'no_gap'""",
        [ADDON],
    )
    unknown = {code for (code,) in env.cr.fetchall()} - set(NUMBERED)
    for code in sorted(unknown):
        failures.add("numbering", f"gap-free sequence {code} is not listed in NUMBERED")
    for code, last in sorted(after["numbers"].items()):
        try:
            with env.cr.savepoint():
                number, why = _new_numbered(env, code)
        except Exception as error:  # reported, the check goes on
            failures.add("numbering", f"{code}: creating a new form failed: {error}")
            continue
        if number is None:  # the seed makes one of each: a weakened test must fail
            failures.add("numbering", f"{code}: no new form could be made ({why})")
            continue
        if last is None:
            print(f"numbering {code}: first number {number}")
            continue
        (prefix, value), (last_prefix, last_value) = _number_key(number), _number_key(last)
        if prefix == last_prefix and value != last_value + 1:
            failures.add("numbering", f"{code}: last number {last}, the next form got {number}")
        else:
            print(f"numbering {code}: {last} -> {number}")


def _check_views(env, failures):
    env.cr.execute(
        """SELECT v.model, array_agg(DISTINCT v.type) FROM ir_ui_view v
             JOIN ir_model_data d ON d.model = 'ir.ui.view' AND d.res_id = v.id
            WHERE d.module = %s AND v.type IN ('form', 'list', 'kanban') AND v.mode = 'primary'
            GROUP BY v.model ORDER BY v.model""",
        [ADDON],
    )
    loaded = 0
    for model, types in env.cr.fetchall():
        if model not in env:
            failures.add("views", f"views of the unknown model {model}")
            continue
        for view_type in sorted(types):
            try:
                env[model].get_views([(False, view_type)])
                loaded += 1
            except Exception as error:
                failures.add("views", f"{model} {view_type}: {error}")
    print(f"views: {loaded} form/list/kanban views loaded")


def check(args):
    import odoo  # "previous" needs no Odoo
    from odoo.modules.registry import Registry

    before = json.loads(Path(args.snapshot).read_text())
    odoo.tools.config.parse_config(
        ["-c", args.config, "-d", args.database, f"--log-level={args.log_level}"]
    )
    failures = Failures()
    with Registry(args.database).cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
        after = snapshot(env)
        version = _version((Path(__file__).resolve().parent.parent / MANIFEST).read_text())
        removed_sla = _compare_sla(env, before, after, failures, version)
        _compare(before, after, failures, removed_sla)
        _invariants(env, after, failures)
        cr.rollback()  # the forms created to test the numbering
    print(
        f"upgrade check: {len(after['counts'])} tables, {len(after['moves'])} posted entries, "
        f"{len(after['claimed'])} charge months, {len(after['sla'])} open SLA lines"
    )
    if failures:
        print("upgrade check FAILED:", *failures, sep="\n  ", file=sys.stderr)
        return 1
    print("upgrade check: nothing lost, entries unchanged, invariants hold")
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    prev = sub.add_parser("previous")
    prev.add_argument("--root", default=str(Path(__file__).resolve().parent.parent))
    chk = sub.add_parser("check")
    chk.add_argument("-c", "--config", required=True)
    chk.add_argument("-d", "--database", required=True)
    chk.add_argument("--snapshot", required=True)
    chk.add_argument("--log-level", default="warn")
    args = parser.parse_args()
    if args.command == "previous":
        print(*previous_release(args.root))
        return 0
    return check(args)


if __name__ == "__main__":
    sys.exit(main())
