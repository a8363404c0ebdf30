"""Inspection plan cron: generation cost per plan, and the cost of a re-run.

    make bench
    python bench/bench_inspection.py -c odoo.conf -d DB [--plans 50,500] [--days 30]

For N daily plans (a 10-item template) it generates ``days`` days ahead with
the cron's method and prints seconds, inspections created, SQL queries in all
and per plan; then runs the cron again (nothing new to create) and prints the
same. Queries per plan should stay flat as N grows and not depend on the
number of days. Everything is rolled back.
"""

import argparse
import time
from contextlib import contextmanager
from datetime import timedelta

import odoo
from odoo import Command, fields
from odoo.modules.registry import Registry
from odoo.sql_db import Cursor


@contextmanager
def counting():
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


def make_plans(env, count, estate, template, inspector):
    today = fields.Date.context_today(env["cs.property.inspection.plan"])
    return env["cs.property.inspection.plan"].create(
        [
            {
                "name": f"Bench plan {i}",
                "estate_id": estate.id,
                "template_id": template.id,
                "inspector_id": inspector.id,
                "recurrence_start": today,
                "recurrence_holidays": "move",
            }
            for i in range(count)
        ]
    )


def run(env, label, plans, horizon_end):
    env.invalidate_all()
    start = time.perf_counter()
    with counting() as counter:
        created = plans._recurrence_generate(horizon_end)
        env.flush_all()
    elapsed = time.perf_counter() - start
    print(
        f"  {label:<8} {len(plans):>5} plans  {len(created):>6} inspections  "
        f"{elapsed:7.2f} s  {counter['queries']:>6} queries  "
        f"{counter['queries'] / len(plans):6.2f} queries/plan"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--plans", default="50,500")
    parser.add_argument("--days", type=int, default=30)
    args, _unknown = parser.parse_known_args()
    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database])
    registry = Registry(args.database)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
        estate = env["cs.property.estate"].create({"name": "Bench QA Estate", "code": "BQA"})
        standards = env["cs.property.inspection.standard"].search([], limit=10)
        template = env["cs.property.inspection.template"].create(
            {"name": "Bench template", "standard_ids": [Command.set(standards.ids)]}
        )
        inspector = env.ref("base.user_admin")
        horizon_end = fields.Date.context_today(estate) + timedelta(days=args.days - 1)
        print(
            f"Inspection plan cron: {args.days} days ahead, {len(standards)} items per inspection"
        )
        for count in (int(n) for n in args.plans.split(",")):
            plans = make_plans(env, count, estate, template, inspector)
            run(env, "generate", plans, horizon_end)
            run(env, "re-run", plans, horizon_end)
            plans.write({"recurrence_last_date": False})
            run(env, "no mark", plans, horizon_end)
        cr.rollback()


if __name__ == "__main__":
    main()
