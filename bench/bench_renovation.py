"""Renovations: the patrol planner over active renovations and deposit receipts.

    make bench
    python bench/bench_renovation.py -c odoo.conf -d DB [--sizes 100,1000]

Prints, at each size, records per second and SQL queries per record for:
- the daily patrol planner (cron) over N renovations in works, first run
  (creates every patrol) and second run (idempotent: creates nothing);
- N deposit receipts posted by finance (one journal entry and one register
  row each).
Everything runs in one transaction that is rolled back.
"""

from datetime import date, timedelta

from _common import counting, ensure_accounting, environment, parse, parser, report, sizes, timer


def setup(env, n, tag):
    ensure_accounting(env)
    estate = env["cs.property.estate"].create({"name": f"Bench {tag}", "code": f"BR{tag}"})
    building = env["cs.property.building"].create({"estate_id": estate.id, "name": "B"})
    units = env["cs.property.unit"].create(
        [{"building_id": building.id, "name": f"{i}", "gross_area": 90} for i in range(n)]
    )
    partner = env["res.partner"].create({"name": "Bench Owner"})
    today = date.today()
    # superuser data load: the renovations start in works without the paperwork
    renovations = env["cs.property.renovation"].create(
        [
            {
                "estate_id": estate.id,
                "unit_id": unit.id,
                "partner_id": partner.id,
                "date_start": today,
                "date_end": today + timedelta(days=30 + i % 30),
                "state": "works",
            }
            for i, unit in enumerate(units)
        ]
    )
    env.flush_all()
    return renovations


def bench_planner(env, sizes):
    Patrol = env["cs.property.renovation.patrol"]
    for n in sizes:
        renovations = setup(env, n, f"P{n}")
        env.invalidate_all()
        for label in ("patrol planner (first run)", "patrol planner (again)"):
            with counting() as counter, timer() as clock:
                Patrol._plan_for(renovations)
                env.flush_all()
            report(label, n, clock["seconds"], counter["queries"])
        assert all(r.patrol_count >= 2 for r in renovations[:20])


def bench_receipts(env, sizes):
    for n in sizes:
        renovations = setup(env, n, f"D{n}")
        journal = renovations[0]._deposit_journal_default()
        renovations[0].estate_id._analytic_account()
        env.invalidate_all()
        with counting() as counter, timer() as clock:
            for reno in renovations:
                reno._deposit_receive(journal, 2000.0)
            env.flush_all()
        report("deposit receipts", n, clock["seconds"], counter["queries"])


def main():
    args = parse(parser(__doc__, sizes="100,1000"))
    with environment(args) as env:
        bench_planner(env, sizes(args.sizes))
        bench_receipts(env, sizes(args.sizes))


if __name__ == "__main__":
    main()
