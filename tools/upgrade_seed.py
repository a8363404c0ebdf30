"""Business data for the upgrade test, made with the PREVIOUS release's code.

    upgrade_seed.py -c CONF -d DB --snapshot FILE

``tools/harness.sh`` runs it with the previous release on the addons path
(CONF), on a database installed from that release with demo data; it adds
records through that release's own methods (the demo already holds a billed
year, held deposits and a month of inspections) and commits them, then writes
``upgrade_check.snapshot`` to FILE for ``upgrade_check.py check``.

It runs against the OLD code: use only methods the previous release has; when
a release renames one, keep the old call here until the release after.
Kept small: the whole upgrade stage must stay within a few minutes.
"""

import argparse
import json
import sys
from datetime import timedelta
from pathlib import Path

import odoo
from odoo import Command, fields
from odoo.modules.registry import Registry

sys.path.insert(0, str(Path(__file__).resolve().parent))
from upgrade_check import snapshot


def _ref(env, name):
    return env.ref(f"cs_property.{name}")


def seed_complaints(env):
    """Complaints in every state: new, assessed, in progress, done, closed,
    cancelled."""
    agent, lead, manager = (
        _ref(env, "demo_user_agent"),
        _ref(env, "demo_user_tech_lead"),
        _ref(env, "demo_user_manager"),
    )
    Complaint = env["cs.property.complaint"].with_user(agent)
    base = {
        "estate_id": _ref(env, "demo_estate_cuihu").id,
        "unit_id": _ref(env, "demo_unit_b1_502").id,
        "partner_id": _ref(env, "demo_resident_040").id,
        "complaint_type": "engineering",
        "category_id": _ref(env, "complaint_category_leak").id,
        "description": "<p>升级测试：卫生间渗水</p>",
        "expected_outcome": "一周内修好",
    }
    states = ["new", "assessed", "in_progress", "done", "closed", "cancelled"]
    done = {}
    for target in states:
        complaint = Complaint.create(dict(base))
        if target == "cancelled":
            complaint.action_cancel()
        elif target != "new":
            complaint.write(
                {
                    "team_id": _ref(env, "demo_team_eng").id,
                    "deadline": fields.Datetime.now() + timedelta(days=3),
                }
            )
            complaint.action_assess()
            if target != "assessed":
                complaint.with_user(lead).write({"solution": "<p>更换密封圈</p>"})
                complaint.with_user(lead).action_propose()
                complaint.with_user(manager).action_approve()
                complaint.action_start()
            if target in ("done", "closed"):
                complaint.write({"acceptance_method": "phone", "acceptance_note": "业主确认"})
                complaint.action_done()
            if target == "closed":
                env["cs.property.callback"].create(
                    {
                        "res_model": complaint._name,
                        "res_id": complaint.id,
                        "partner_id": complaint.partner_id.id,
                        "satisfaction": "satisfied",
                    }
                )
                complaint.action_close()
        done[target] = complaint
    return {state: rec.state for state, rec in done.items()}


def seed_repairs(env):
    """Service orders: new, dispatched, arrived, done and invoiced (posted)."""
    agent = _ref(env, "demo_user_agent")
    Repair = env["cs.property.repair"].with_user(agent)
    base = {
        "estate_id": _ref(env, "demo_estate_cuihu").id,
        "unit_id": _ref(env, "demo_unit_b2_404").id,
        "partner_id": _ref(env, "demo_resident_082").id,
        "category_id": _ref(env, "repair_category_doors_windows").id,
        "team_id": _ref(env, "demo_team_eng").id,
        "technician_id": _ref(env, "demo_user_tech_1").id,  # the demo keeps the others busy
        "description": "升级测试：入户门锁芯损坏",
    }
    result = {}
    for target in ("new", "dispatched", "arrived", "done", "cancelled"):
        order = Repair.create(dict(base))
        if target == "cancelled":
            order.action_cancel()
        elif target != "new":
            order.line_ids = [
                Command.create({"product_id": _ref(env, "product_service_lock").id, "quantity": 1})
            ]
            order.action_consent_given()
            order.action_dispatch()
            tech = order.technician_id or env.user
            if target in ("arrived", "done"):
                order.with_user(tech).action_arrive()
            if target == "done":
                order.with_user(tech).write({"labour_hours": 1, "customer_comment": "满意"})
                order.with_user(tech).action_done()
                if order.charge_to == "customer":
                    order.action_create_invoice()
                    if order.invoice_id.state == "draft":
                        order.invoice_id.with_user(env.user).action_post()  # finance
        result[target] = (order.name, order.state)
    return result


def seed_billing(env):
    """Next month billed for building 1 through a billing run (the demo billed
    the year up to this month)."""
    today = fields.Date.context_today(env["cs.property.billing.run"])
    run = env["cs.property.billing.run"].create(
        {
            "estate_ids": [Command.set(_ref(env, "demo_estate_cuihu").ids)],
            "building_ids": [Command.set(_ref(env, "demo_building_1").ids)],
            "period_type": "month",
            "date_start": (today.replace(day=1) + timedelta(days=32)).replace(day=1),
            "batch_size": 100000,
        }
    )
    run.action_preview()
    run.action_confirm()
    return (run.name, run.state, run.invoice_count)


def seed_renovation(env):
    """The approved demo renovation: fees invoiced, posted and paid, then its
    deposit received: held (the permit is left for upgrade_check)."""
    reno = _ref(env, "demo_renovation_approved")
    if reno.fee_payment_state not in ("paid", "in_payment"):
        reno._demo_pay_fees()
    reno._deposit_receive()
    return (reno.name, reno.state, reno.deposit_held)


def seed_inspections(env):
    """A new inspection plan with a week of history (generated, carried out)."""
    plan = _ref(env, "demo_plan_cuihu_daily").copy({"name": "升级测试日常检查"})
    env["cs.property.inspection.plan"]._demo_play_history(plan.ids, days=7)
    return (plan.name, plan.inspection_count)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--snapshot", required=True)
    parser.add_argument("--log-level", default="warn")
    args = parser.parse_args()
    odoo.tools.config.parse_config(
        ["-c", args.config, "-d", args.database, f"--log-level={args.log_level}"]
    )
    with Registry(args.database).cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        env = env(user=env.ref("base.user_admin").id, context={"lang": "en_US"})
        for step in (
            seed_complaints,
            seed_repairs,
            seed_billing,
            seed_renovation,
            seed_inspections,
        ):
            print(f"seed {step.__name__[5:]}: {step(env)}")
        cr.commit()
        data = snapshot(env)
    Path(args.snapshot).write_text(json.dumps(data))
    print(
        f"snapshot: {len(data['counts'])} tables, {sum(data['counts'].values())} rows, "
        f"{len(data['moves'])} posted entries, {len(data['claimed'])} charge months, "
        f"{len(data['sla'])} open SLA lines"
    )


if __name__ == "__main__":
    main()
