"""Throughput and scaling of complaint and service-order intake, and of SLA recomputation.

    make bench            (throwaway cluster, fresh database)
    python bench/bench_service.py -c odoo.conf -d DB [--sizes 100,1000] [--recompute 1000,10000]

Prints, for complaints and for service orders, at each size, records per second
and SQL queries per record for:
- creating N records in one create() call, shipped automation rules included
  (number, follower, SLA lines, team notification);
- recomputing the SLA deadlines of N open records (one interval fetch per
  calendar, so queries per record should fall as N grows).
Everything runs in one transaction that is rolled back: the database is left as it was.
"""

from _common import counting, environment, parse, parser, report, sizes, timer


def setup(env):
    estate = env["cs.property.estate"].create({"name": "Bench Estate", "code": "BENCH"})
    building = env["cs.property.building"].create({"estate_id": estate.id, "name": "B"})
    unit = env["cs.property.unit"].create(
        {"building_id": building.id, "name": "101", "gross_area": 90}
    )
    partner = env["res.partner"].create({"name": "Bench Owner", "phone": "13900000000"})
    team = env["cs.property.team"].create(
        {
            "estate_id": estate.id,
            "name": "Bench team",
            "team_type": "engineering",
            "leader_id": env.ref("base.user_admin").id,
        }
    )
    return estate, unit, partner, team


def complaint_vals(env, estate, unit, partner, team, n):
    return [
        {
            "estate_id": estate.id,
            "unit_id": unit.id,
            "partner_id": partner.id,
            "team_id": team.id,
            "complaint_type": "engineering",
            "severity": "major" if i % 10 == 0 else "general",
            "major_reason": "repeated" if i % 10 == 0 else False,
            "description": f"<p>Bench complaint {i}</p>",
        }
        for i in range(n)
    ]


def repair_vals(env, estate, unit, partner, team, n):
    category = env.ref("cs_property.repair_category_plumbing")
    return [
        {
            "estate_id": estate.id,
            "unit_id": unit.id,
            "partner_id": partner.id,
            "team_id": team.id,
            "category_id": category.id,
            "urgency": "emergency" if i % 10 == 0 else "normal",
            "description": f"Bench repair {i}",
        }
        for i in range(n)
    ]


SUBJECTS = {
    "cs.property.complaint": (complaint_vals, "cs_property.automation_complaint_created"),
    "cs.property.repair": (repair_vals, "cs_property.automation_repair_created"),
}


def bench_create(env, model, fixtures, sizes):
    make_vals, _rule = SUBJECTS[model]
    for n in sizes:
        data = make_vals(env, *fixtures, n)
        env.flush_all()
        with counting() as counter, timer() as clock:
            records = env[model].create(data)
            env.flush_all()
        assert len(records.sla_line_ids) >= 2 * n, "automation did not start the SLA"
        report(f"{model} create()", n, clock["seconds"], counter["queries"])


def bench_recompute(env, model, fixtures, sizes):
    make_vals, rule_xmlid = SUBJECTS[model]
    rule = env.ref(rule_xmlid)
    rule.active = False  # create the volume fast; the lines are made in one batch below
    try:
        for n in sizes:
            records = env[model].create(make_vals(env, *fixtures, n))
            lines = env["cs.property.sla.line"]._create_for(records)
            env.flush_all()
            env.invalidate_all()
            lines = lines.browse(lines.ids)
            with counting() as counter, timer() as clock:
                lines._recompute_deadlines()
                env.flush_all()
            report(f"{model} SLA recompute", n, clock["seconds"], counter["queries"])
    finally:
        rule.active = True


def main():
    args = parse(parser(__doc__, sizes="100,1000", recompute="1000,10000"))
    with environment(args) as env:
        fixtures = setup(env)
        for model in SUBJECTS:
            bench_create(env, model, fixtures, sizes(args.sizes))
            bench_recompute(env, model, fixtures, sizes(args.recompute))


if __name__ == "__main__":
    main()
