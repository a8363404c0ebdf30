"""What every bench script shares: its command line, a superuser environment
in one transaction that is rolled back, a SQL query counter and a timer.

Not a bench itself: ``make bench`` (tools/harness.sh) runs ``bench/bench_*.py``
only, each with the same extra arguments, so every script ignores the options
of the others (``parse_known_args``).
"""

import argparse
import time
from contextlib import contextmanager

import odoo
from odoo.modules.registry import Registry
from odoo.sql_db import Cursor


def parser(doc, **sizes):
    """The script's parser: ``-c``/``-d`` plus one ``--name`` option per
    keyword (``handover_sizes="100,1000"`` gives ``--handover-sizes``)."""
    result = argparse.ArgumentParser(description=doc.splitlines()[0])
    result.add_argument("-c", "--config", required=True)
    result.add_argument("-d", "--database", required=True)
    for name, default in sizes.items():
        result.add_argument("--" + name.replace("_", "-"), default=default, type=type(default))
    return result


def parse(arg_parser):
    args, _others = arg_parser.parse_known_args()  # make bench passes the same args to all
    return args


def sizes(text):
    """``"1000,10000"`` → ``[1000, 10000]``."""
    return [int(s) for s in text.split(",") if s]


@contextmanager
def environment(args, context=None):
    """A superuser environment (tracking disabled) on a cursor of the
    database; everything done in it is rolled back at the end."""
    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database])
    registry = Registry(args.database)
    with registry.cursor() as cr:
        env = odoo.api.Environment(
            cr, odoo.SUPERUSER_ID, {"tracking_disable": True, **(context or {})}
        )
        try:
            yield env
        finally:
            cr.rollback()


def ensure_accounting(env):
    """A chart of accounts for the company (``make bench`` installs without demo)."""
    company = env.company
    if not env["account.journal"].search_count(
        [("type", "=", "bank"), ("company_id", "=", company.id)], limit=1
    ):
        env["account.chart.template"].try_loading("generic_coa", company, install_demo=False)


@contextmanager
def counting():
    """Counts the SQL statements executed inside the block: ``counter["queries"]``."""
    counter = {"queries": 0}
    execute = Cursor.execute

    def counted(self, *args, **kwargs):
        counter["queries"] += 1
        return execute(self, *args, **kwargs)

    Cursor.execute = counted
    try:
        yield counter
    finally:
        Cursor.execute = execute


@contextmanager
def timer():
    """Wall-clock and own-CPU seconds of the block: ``clock["seconds"]``,
    ``clock["cpu"]`` (the rest is PostgreSQL and waiting for a core)."""
    clock = {"seconds": 0.0, "cpu": 0.0}
    start, cpu = time.perf_counter(), time.process_time()
    try:
        yield clock
    finally:
        clock["seconds"] = time.perf_counter() - start
        clock["cpu"] = time.process_time() - cpu


def report(label, n, seconds, queries, cpu=None, width=38, n_width=6):
    """One figure line: records per second and queries per record."""
    print(
        f"{label:<{width}} n={n:>{n_width}}  {n / seconds:>9.1f} rec/s  "
        f"{queries / n:>7.2f} queries/rec  ({seconds:.2f} s"
        + (f", Python CPU {cpu:.2f} s)" if cpu is not None else ")")
    )
