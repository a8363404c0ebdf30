"""Inspection plan cron: generation cost per plan, and the cost of a re-run.

    make bench
    python bench/bench_inspection.py -c odoo.conf -d DB [--plans 50,500] [--days 30]

For N daily plans (a 10-item template) it generates ``days`` days ahead with
the cron's method and prints seconds, inspections created, SQL queries in all
and per plan; then runs the cron again (nothing new to create) and prints the
same. Queries per plan should stay flat as N grows and not depend on the
number of days. Everything is rolled back.
"""

from datetime import timedelta

from _common import counting, environment, parse, parser, sizes, timer

from odoo import Command, fields


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
    with timer() as clock, counting() as counter:
        created = plans._recurrence_generate(horizon_end)
        env.flush_all()
    print(
        f"  {label:<8} {len(plans):>5} plans  {len(created):>6} inspections  "
        f"{clock['seconds']:7.2f} s  {counter['queries']:>6} queries  "
        f"{counter['queries'] / len(plans):6.2f} queries/plan"
    )


def main():
    args = parse(parser(__doc__, plans="50,500", days=30))
    with environment(args) as env:
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
        for count in sizes(args.plans):
            plans = make_plans(env, count, estate, template, inspector)
            run(env, "generate", plans, horizon_end)
            run(env, "re-run", plans, horizon_end)
            plans.write({"recurrence_last_date": False})
            run(env, "no mark", plans, horizon_end)


if __name__ == "__main__":
    main()
