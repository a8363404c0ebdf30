"""The shared engine at scale: SLA escalation, statistics and bulk intake.

    make bench            (throwaway cluster, fresh database)
    python bench/bench_scale.py -c odoo.conf -d DB [--escalate 1000,10000]
        [--pivot 100000,1000000] [--intake 100,1000]

Prints, at two sizes each so the scaling shows:
- SLA cron: N breached complaints escalated to the team leader (level 1), then
  to the CS manager (level 2), by ``cs.property.sla.line._cron_sla_process``:
  seconds, records per second, queries per record;
- statistics: the default complaint pivots (category x month, class x month)
  over N complaints inserted by SQL, through ``formatted_read_group`` (what the
  web client calls) and ``_read_group``: milliseconds per query;
- bulk intake as the superuser with tracking disabled (imports, integrations):
  complaints created in one ``create()`` call with the shipped automation rules,
  queries per record.
Everything runs in one transaction that is rolled back: the database is left as it was.
"""

from _common import counting, environment, parse, parser, sizes, timer
from _common import report as _report


def setup(env):
    estate = env["cs.property.estate"].create({"name": "Scale Estate", "code": "SCALE"})
    building = env["cs.property.building"].create({"estate_id": estate.id, "name": "S"})
    unit = env["cs.property.unit"].create(
        {"building_id": building.id, "name": "101", "gross_area": 90}
    )
    partner = env["res.partner"].create({"name": "Scale Owner", "phone": "13900000001"})
    leader = env.ref("base.user_admin")
    team = env["cs.property.team"].create(
        {
            "estate_id": estate.id,
            "name": "Scale team",
            "team_type": "engineering",
            "leader_id": leader.id,
        }
    )
    estate.manager_id = env["res.users"].create(
        {
            "name": "Scale Manager",
            "login": "scale_manager",
            "group_ids": [(4, env.ref("cs_property.group_property_manager").id)],
        }
    )
    return estate, unit, partner, team


def insert_complaints(env, estate, partner, team, n, tag):
    """``n`` complaints by SQL (generate_series): categories and months spread
    over three years, as the statistics see them."""
    categories = env["cs.property.complaint.category"].search([])
    env.flush_all()
    env.cr.execute(
        """
        INSERT INTO cs_property_complaint (
            name, received_at, estate_id, company_id, partner_id, complaint_type,
            category_id, description, receiver_id, team_id, state, channel,
            severity, is_reasonable, reopen_count, sla_failed, create_uid, write_uid,
            create_date, write_date)
        SELECT %(tag)s || g, now() - (g %% 1095) * interval '1 day', %(estate)s, %(company)s,
               %(partner)s, (ARRAY['engineering', 'customer_service', 'security',
               'environment'])[1 + g %% 4], (%(categories)s::int[])[1 + g %% %(ncat)s],
               '<p>scale</p>', %(receiver)s, %(team)s, 'assessed', 'phone', 'general',
               true, 0, false, 1, 1, now(), now()
          FROM generate_series(1, %(n)s) g
        RETURNING id
        """,
        {
            "tag": tag,
            "estate": estate.id,
            "company": estate.company_id.id,
            "partner": partner.id,
            "team": team.id,
            "receiver": team.leader_id.id,
            "categories": categories.ids,
            "ncat": len(categories),
            "n": n,
        },
    )
    ids = [row[0] for row in env.cr.fetchall()]
    env.cr.execute("ANALYZE cs_property_complaint")
    return env["cs.property.complaint"].browse(ids)


def insert_breaches(env, complaints, target, hours_late):
    """One running SLA line per complaint, ``hours_late`` past its deadline."""
    env.cr.execute(
        """
        INSERT INTO cs_property_sla_line (
            res_model, res_id, policy_id, target_id, estate_id, company_id, calendar_id,
            date_start, deadline, status, warned, escalation_level, create_uid, write_uid,
            create_date, write_date)
        SELECT 'cs.property.complaint', c.id, %(policy)s, %(target)s, c.estate_id,
               c.company_id, %(calendar)s, now() - interval '3 days',
               now() - %(late)s * interval '1 hour', 'running', false, 0, 1, 1, now(), now()
          FROM cs_property_complaint c WHERE c.id = ANY(%(ids)s)
        """,
        {
            "policy": target.policy_id.id,
            "target": target.id,
            "calendar": env.company.resource_calendar_id.id,
            "late": hours_late,
            "ids": complaints.ids,
        },
    )
    env.cr.execute("ANALYZE cs_property_sla_line")


def report(label, n, seconds, queries, cpu=None):
    """``cpu``: seconds of this process's own CPU (the rest is PostgreSQL and,
    on a shared machine, waiting for a core)."""
    _report(label, n, seconds, queries, cpu, width=44, n_width=7)


def bench_escalation(env, fixtures, sizes):
    estate, _unit, partner, team = fixtures
    target = env.ref("cs_property.sla_target_complaint_general_response")
    Line = env["cs.property.sla.line"]
    for n in sizes:
        complaints = insert_complaints(env, estate, partner, team, n, f"ESC{n}-")
        insert_breaches(env, complaints, target, 1)
        env.invalidate_all()
        for level, label in ((1, "team leader"), (2, "CS manager")):
            if level == 2:  # a day later, still not reached
                env.cr.execute(
                    "UPDATE cs_property_sla_line SET deadline = deadline - interval '1 day' "
                    "WHERE res_id = ANY(%s) AND res_model = 'cs.property.complaint'",
                    [complaints.ids],
                )
                env.invalidate_all()
            with counting() as counter, timer() as clock:
                Line._cron_sla_process()
                env.flush_all()
            escalated = Line.search_count(
                [("res_id", "in", complaints.ids), ("escalation_level", "=", level)]
            )
            assert escalated == n, f"{escalated} of {n} lines escalated to {level}"
            report(
                f"SLA cron: escalate to the {label}",
                n,
                clock["seconds"],
                counter["queries"],
                clock["cpu"],
            )
        # out of the next size's measurement
        env.cr.execute(
            "UPDATE cs_property_sla_line SET status = 'met', date_reached = now() "
            "WHERE res_id = ANY(%s) AND res_model = 'cs.property.complaint'",
            [complaints.ids],
        )
        env.invalidate_all()


def bench_statistics(env, fixtures, sizes):
    estate, _unit, partner, team = fixtures
    Complaint = env["cs.property.complaint"].with_context(lang="zh_CN")
    done = 0
    for n in sizes:
        insert_complaints(env, estate, partner, team, n - done, f"STAT{n}-")
        done = n
        env.invalidate_all()
        for groupby in (
            ["category_id", "received_at:month"],
            ["complaint_type", "received_at:month"],
        ):
            Complaint.formatted_read_group([], groupby, ["__count"])  # warm the cache
            with timer() as web:
                groups = Complaint.formatted_read_group([], groupby, ["__count"])
            with timer() as orm:
                Complaint._read_group([], groupby, ["__count"])
            print(
                f"{'pivot ' + ' x '.join(groupby):<44} n={n:>7}  "
                f"formatted_read_group {web['seconds'] * 1000:>7.0f} ms  "
                f"_read_group {orm['seconds'] * 1000:>7.0f} ms  ({len(groups)} groups)"
            )


def bench_intake(env, fixtures, sizes):
    estate, unit, partner, team = fixtures
    for n in sizes:
        vals_list = [
            {
                "estate_id": estate.id,
                "unit_id": unit.id,
                "partner_id": partner.id,
                "team_id": team.id,
                "complaint_type": "engineering",
                "description": f"<p>Imported complaint {i}</p>",
            }
            for i in range(n)
        ]
        env.flush_all()
        with counting() as counter, timer() as clock:
            env["cs.property.complaint"].create(vals_list)
            env.flush_all()
        report(
            "complaint create() as superuser, no tracking",
            n,
            clock["seconds"],
            counter["queries"],
            clock["cpu"],
        )


def main():
    args = parse(parser(__doc__, escalate="1000,10000", pivot="100000,1000000", intake="100,1000"))
    with environment(args) as env:
        env["res.lang"]._activate_lang("zh_CN")
        fixtures = setup(env)
        bench_intake(env, fixtures, sizes(args.intake))
        bench_escalation(env, fixtures, sizes(args.escalate))
        bench_statistics(env, fixtures, sizes(args.pivot))


if __name__ == "__main__":
    main()
