"""Throughput of handover appointments and rework orders.

    make bench            (throwaway cluster, fresh database)
    python bench/bench_handover.py -c odoo.conf -d DB [--handover-sizes 100,1000]

Prints records per second and SQL queries per record for:
- inviting N owners to a delivery programme (one create() of N appointments);
- booking those N appointments one by one into slots (each booking locks its
  slot row with SELECT ... FOR UPDATE and counts the places taken);
- creating N rework orders of one defect each in one create() call (gap-free
  number, warranty check) and issuing them in one call (their SLA clocks
  start at the issue);
- starting N handover inspections from the 29-item standard checklist.
Everything runs in one transaction that is rolled back.
"""

from datetime import date, timedelta

from _common import counting, environment, parse, parser, report, sizes, timer

import odoo


def setup(env, n):
    developer = env["res.partner"].create({"name": "Bench Developer", "is_company": True})
    estate = env["cs.property.estate"].create({"name": "Bench Handover", "code": "BHO"})
    building = env["cs.property.building"].create(
        {
            "estate_id": estate.id,
            "name": "B",
            "developer_id": developer.id,
            "contractor_id": developer.id,
            "completion_date": date.today() - timedelta(days=60),
        }
    )
    units = env["cs.property.unit"].create(
        [{"building_id": building.id, "name": f"{i:05d}", "gross_area": 90} for i in range(n)]
    )
    owner = env["res.partner"].create({"name": "Bench Buyer", "phone": "13900000000"})
    return estate, building, units, owner


def bench(env, n):
    estate, building, units, owner = setup(env, n)
    template = env.ref("cs_property.handover_template_residential")
    days = max(1, -(-n // 20))  # two slots a day of 10 places
    programme = env["cs.property.handover.programme"].create(
        {
            "name": "Bench delivery",
            "estate_id": estate.id,
            "building_id": building.id,
            "template_id": template.id,
            # slots still to come: a past slot cannot be booked
            "date_start": date.today() + timedelta(days=1),
            "date_end": date.today() + timedelta(days=days),
            "slot_capacity": 10,
        }
    )
    programme.action_generate_slots()
    env.flush_all()
    Appointment = env["cs.property.handover.appointment"]
    with counting() as counter, timer() as clock:
        appointments = Appointment.create(
            [{"programme_id": programme.id, "unit_id": u.id, "partner_id": owner.id} for u in units]
        )
        env.flush_all()
    report("appointments create()", n, clock["seconds"], counter["queries"])

    slots = programme.slot_ids
    for index, appointment in enumerate(appointments):
        appointment.slot_choice_id = slots[index // 10]
    env.flush_all()
    env.invalidate_all()
    with counting() as counter, timer() as clock:
        for appointment in appointments:
            appointment.action_book()
        env.flush_all()
    assert all(a.state == "booked" for a in appointments)
    report("appointments action_book() (row lock)", n, clock["seconds"], counter["queries"])

    category = env.ref("cs_property.repair_category_leak")
    vals = [
        {
            "estate_id": estate.id,
            "unit_id": unit.id,
            "partner_id": owner.id,
            "line_ids": [odoo.Command.create({"name": "闭水试验", "category_id": category.id})],
        }
        for unit in units
    ]
    env.flush_all()
    with counting() as counter, timer() as clock:
        orders = env["cs.property.rework"].create(vals)
        env.flush_all()
    report("rework orders create()", n, clock["seconds"], counter["queries"])
    with counting() as counter, timer() as clock:
        orders.action_issue()
        env.flush_all()
    # the SLA clocks start when the order is issued, not while it is a draft
    assert len(orders.sla_line_ids) >= 2 * n, "issuing did not start the SLA"
    report("rework orders action_issue() (SLA starts)", n, clock["seconds"], counter["queries"])

    inspections = env["cs.property.handover"].create(
        [
            {
                "estate_id": estate.id,
                "unit_id": unit.id,
                "partner_id": owner.id,
                "template_id": template.id,
            }
            for unit in units[: max(1, n // 10)]
        ]
    )
    env.flush_all()
    with counting() as counter, timer() as clock:
        inspections.action_start()
        env.flush_all()
    report(
        "inspections action_start() (29 items)",
        len(inspections),
        clock["seconds"],
        counter["queries"],
    )


def main():
    args = parse(parser(__doc__, handover_sizes="100,1000"))
    with environment(args) as env:
        for n in sizes(args.handover_sizes):
            bench(env, n)
            env.cr.rollback()


if __name__ == "__main__":
    main()
