import ast
import base64
from datetime import date, timedelta

from freezegun import freeze_time
from lxml import etree

from odoo import Command
from odoo.exceptions import AccessError, UserError

from .common import CsPropertyCase

# a 1x1 PNG: enough for a signature or a photo
PIXEL = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
    )
)


class ReworkCase(CsPropertyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.leak = cls.env.ref("cs_property.repair_category_leak")  # 60 months
        cls.plumbing = cls.env.ref("cs_property.repair_category_plumbing")  # 24 months
        cls.appliance = cls.env.ref("cs_property.repair_category_appliance")  # not covered
        cls.contractor = cls.env["res.partner"].create(
            {"name": "中建三局", "is_company": True, "property_party_type": "contractor"}
        )
        cls.building_a1.write(
            {
                "developer_id": cls.developer.id,
                "contractor_id": cls.contractor.id,
                "completion_date": date.today() - timedelta(days=365),
            }
        )

    def _rework(self, user=None, category=None, **vals):
        Rework = self.env["cs.property.rework"].with_user(user or self.user_agent)
        return Rework.create(
            {
                "estate_id": self.estate_a.id,
                "unit_id": self.unit_a101.id,
                "partner_id": self.owner.id,
                "line_ids": [
                    Command.create(
                        {
                            "room": "卫生间",
                            "name": "闭水试验",
                            "description": "楼下渗水",
                            "category_id": (category or self.leak).id,
                        }
                    )
                ],
                **vals,
            }
        )


class TestReworkFlow(ReworkCase):
    def test_full_flow_to_closed(self):
        rework = self._rework()
        self.assertTrue(rework.name.startswith("FX"))
        self.assertEqual(rework.developer_id, self.developer)
        self.assertEqual(rework.contractor_id, self.contractor)
        self.assertFalse(rework.sla_line_ids, "no SLA clock while the order is a draft")
        rework.action_issue()
        self.assertEqual(rework.state, "issued")
        self.assertTrue(rework.sla_line_ids, "the SLA clocks start when the order is issued")
        self.assertTrue(rework._activity_open("acknowledge"))
        with self.assertRefused(
            UserError,
            "Rework Order FX.*: fill in Signed for by, Acknowledgement Signature, and Promised "
            "Date before recording",
        ):
            rework.action_acknowledge()
        rework.write(
            {
                "acknowledged_by": "张工",
                "acknowledgement_signature": PIXEL,
                "promised_date": date.today() + timedelta(days=7),
            }
        )
        rework.action_acknowledge()
        self.assertFalse(rework._activity_open("acknowledge"))
        tech_rework = rework.with_user(self.user_technician)
        tech_rework.action_start()
        self.env["cs.property.rework.progress"].with_user(self.user_technician).create(
            {"rework_id": rework.id, "note": "已凿开地面重做防水", "photo": PIXEL}
        )
        self.assertIn("已凿开地面重做防水", rework.message_ids[0].body)
        self.assertIn(self.owner, rework.message_ids[0].partner_ids)
        tech_rework.action_contractor_done()
        # a failed re-inspection sends it back and counts
        with self.assertRefused(
            UserError, "fill in Reinspection Note before failing the re-inspection"
        ):
            tech_rework.action_reinspect_fail()
        tech_rework.reinspection_note = "仍有渗水"
        tech_rework.action_reinspect_fail()
        self.assertEqual(rework.state, "in_progress")
        self.assertEqual(rework.reinspection_fail_count, 1)
        tech_rework.action_contractor_done()
        with self.assertRefused(UserError, "cannot be closed yet"):
            rework.action_close()
        tech_rework.action_reinspect_pass()
        self.assertEqual(rework.reinspected_by_id, self.user_technician)
        with self.assertRefused(UserError, "cannot be closed yet"):
            rework.action_close()
        with self.assertRefused(
            UserError, "fill in Owner Signature before recording the owner's confirmation"
        ):
            rework.action_owner_confirm()
        rework.owner_signature = PIXEL
        rework.action_owner_confirm()
        self.assertTrue(rework.action_close())
        self.assertEqual(rework.state, "closed")
        self.assertFalse(rework._activity_open())
        # closed is archived: out of the default "Open" list, found by its own filter
        self.assertTrue(rework.closed_at)
        arch = self.env.ref("cs_property.cs_property_rework_view_search").arch
        filters = {
            node.get("name"): ast.literal_eval(node.get("domain"))
            for node in etree.fromstring(arch).iter("filter")
            if node.get("domain")
        }
        Rework = self.env["cs.property.rework"]
        self.assertNotIn(rework, Rework.search(filters["open"]))
        self.assertIn(rework, Rework.search(filters["archived"]))
        with self.assertRefused(UserError, "can no longer change"):
            rework.write({"line_ids": [Command.clear()]})
        with self.assertRefused(UserError, "cannot be deleted"):
            rework.sudo().unlink()

    def test_refusals(self):
        rework = self._rework()
        with self.assertRefused(UserError, "directly"):
            rework.write({"state": "closed"})
        with self.assertRefused(UserError, "is not possible now"):
            rework.action_start()
        empty = self.env["cs.property.rework"].create(
            {"estate_id": self.estate_a.id, "unit_id": self.unit_a101.id}
        )
        with self.assertRefused(UserError, "list the defects"):
            empty.action_issue()
        self.building_a2.completion_date = date.today()
        common = self.env["cs.property.rework"].create(
            {"estate_id": self.estate_a.id, "unit_id": self.unit_a201.id}
        )
        self.assertFalse(common.developer_id)
        common.line_ids = [Command.create({"name": "墙面", "category_id": self.plumbing.id})]
        with self.assertRefused(UserError, "developer or the contractor"):
            common.action_issue()
        with self.assertRefused(UserError, "fill in Cancel Reason before cancelling"):
            rework.action_cancel()
        rework.cancel_reason = "业主撤回"
        rework.action_cancel()
        self.assertEqual(rework.state, "cancelled")

    def test_warranty_check(self):
        with self.assertRefused(UserError, "not covered by the developer's warranty"):
            self._rework(category=self.appliance)
        # plumbing: 24 months; received three years after completion
        self.building_a1.completion_date = date.today() - timedelta(days=3 * 365)
        with self.assertRefused(UserError, "out of warranty since"):
            self._rework(category=self.plumbing)
        # leaks: 5 years, still covered
        self.assertTrue(self._rework(category=self.leak))
        self.building_a1.completion_date = False
        self.unit_a101.warranty_start_date = False
        with self.assertRefused(UserError, "no completion acceptance date"):
            self._rework()

    def test_dispute_repeat_overdue_escalation(self):
        self.estate_a.user_ids = [Command.link(self.user_manager.id)]
        rework = self._rework()
        rework.action_issue()
        with self.assertRefused(UserError, "written memo"):
            rework.action_dispute()
        rework.write({"dispute_memo": "开发商认为属业主装修造成", "dispute_signature": PIXEL})
        rework.action_dispute()
        self.assertTrue(rework.is_disputed)
        self.assertTrue(rework.line_ids.is_disputed)
        escalations = rework._activity_open("escalation")
        self.assertEqual(escalations.user_id, self.user_manager)
        # overdue: the cron flags and escalates once
        other = self._rework()
        other.action_issue()
        other.write(
            {
                "acknowledged_by": "李工",
                "acknowledgement_signature": PIXEL,
                "promised_date": date.today() + timedelta(days=1),
            }
        )
        other.action_acknowledge()
        with freeze_time(date.today() + timedelta(days=5)):
            self.env["cs.property.rework"]._cron_escalate()
            self.assertTrue(other.is_overdue)
            self.assertEqual(other.line_ids.age_bucket, "0_7")
            self.env["cs.property.rework"]._cron_escalate()
        self.assertEqual(len(other._activity_open("escalation")), 1)
        # repeated: same unit and warranty class after a closed order
        closed = self._rework()
        closed.sudo()._set_state("closed")
        again = self._rework()
        self.assertTrue(again.is_repeat)
        self.assertTrue(again.line_ids.is_repeat)

    def test_convert_repair(self):
        self.building_a1.developer_id = self.developer
        repair = self.env["cs.property.repair"].create(
            {
                "estate_id": self.estate_a.id,
                "unit_id": self.unit_a101.id,
                "partner_id": self.owner.id,
                "category_id": self.plumbing.id,
                "description": "厨房下水管漏水",
            }
        )
        self.assertTrue(repair.in_warranty)
        action = repair.with_user(self.user_agent).action_convert_to_rework()
        rework = self.env["cs.property.rework"].browse(action["res_id"])
        self.assertEqual(repair.rework_id, rework)
        self.assertEqual(rework.repair_id, repair)
        self.assertEqual(rework.source, "repair")
        self.assertEqual(rework.line_ids.category_id, self.plumbing)
        self.assertEqual(repair.action_view_rework()["res_id"], rework.id)
        self.assertEqual(rework.action_view_repair()["res_id"], repair.id)
        with self.assertRefused(UserError, "already rework order"):
            repair.action_convert_to_rework()
        appliance = self.env["cs.property.repair"].create(
            {
                "estate_id": self.estate_a.id,
                "unit_id": self.unit_a101.id,
                "partner_id": self.owner.id,
                "category_id": self.appliance.id,
                "description": "冰箱不制冷",
            }
        )
        with self.assertRefused(UserError, "within the developer's warranty"):
            appliance.action_convert_to_rework()

    def test_letter_and_register(self):
        rework = self._rework()
        rework.action_issue()
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("cs_property.report_rework_letter", rework.line_ids.ids)[0]
            .decode()
        )
        self.assertIn("翠湖置业", html)
        self.assertIn("闭水试验", html)
        self.assertEqual(rework.action_print_letter()["type"], "ir.actions.report")
        groups = self.env["cs.property.rework.line"]._read_group(
            [("state", "not in", ("closed", "cancelled"))], ["developer_id"], ["__count"]
        )
        self.assertIn((self.developer, 1), groups)


class TestReworkAccess(ReworkCase):
    def test_roles_both_ways(self):
        rework = self._rework()
        # agent: creates in its estate, not in another estate or company
        with self.assertRaises(AccessError):
            self.env["cs.property.rework"].with_user(self.user_agent).create(
                {"estate_id": self.estate_b.id, "unit_id": self.unit_b101.id}
            )
        # technician: records progress, cannot create orders
        with self.assertRaises(AccessError):
            self._rework(user=self.user_technician)
        rework.action_issue()
        rework.write(
            {
                "acknowledged_by": "张工",
                "acknowledgement_signature": PIXEL,
                "promised_date": date.today(),
            }
        )
        rework.action_acknowledge()
        rework.with_user(self.user_technician).action_start()
        # inspector reads, never writes
        self.assertEqual(rework.with_user(self.user_inspector).state, "in_progress")
        with self.assertRaises(AccessError):
            rework.with_user(self.user_inspector).write({"promised_date": date.today()})
        with self.assertRaises(AccessError):
            self.env["cs.property.rework.progress"].with_user(self.user_inspector).create(
                {"rework_id": rework.id, "note": "x"}
            )
        # estates and companies
        other = self.env["cs.property.rework"].create(
            {"estate_id": self.estate_b.id, "unit_id": self.unit_b101.id}
        )
        Agent = self.env["cs.property.rework"].with_user(self.user_agent)
        self.assertIn(rework, Agent.search([]))
        self.assertNotIn(other, Agent.search([]))
        self.assertEqual(
            self.env["cs.property.rework.line"].with_user(self.user_agent).search([]),
            rework.line_ids,
        )
        Manager = self.env["cs.property.rework"].with_user(self.user_manager)
        self.assertIn(other, Manager.search([]))
        self.assertFalse(self.env["cs.property.rework"].with_user(self.user_manager_2).search([]))
        with self.assertRaises(AccessError):
            rework.with_user(self.user_manager_2).read(["name"])
        with self.assertRaises(AccessError):
            rework.with_user(self.user_plain).read(["name"])

    def test_list_queries_flat(self):
        Rework = self.env["cs.property.rework"]
        vals = [
            {
                "estate_id": self.estate_a.id,
                "unit_id": self.unit_a101.id,
                "partner_id": self.owner.id,
                "line_ids": [Command.create({"name": f"item {i}", "category_id": self.leak.id})],
            }
            for i in range(80)
        ]
        orders = Rework.create(vals)
        fields_list = [
            "name",
            "received_at",
            "unit_id",
            "partner_id",
            "developer_id",
            "contractor_id",
            "severity",
            "line_count",
            "promised_date",
            "user_id",
            "is_overdue",
            "state",
            "sla_failed",
            "activity_ids",
        ]
        self.assertListQueriesFlat(orders, fields_list, self.user_manager, 14)
        register = [
            "rework_id",
            "developer_id",
            "contractor_id",
            "building_id",
            "unit_id",
            "name",
            "category_id",
            "age_days",
            "is_overdue",
            "is_repeat",
            "is_disputed",
            "state",
        ]
        self.assertListQueriesFlat(orders.line_ids, register, self.user_manager, 12)


class TestReworkSla(ReworkCase):
    def test_sla_hooks_warn_and_escalate(self):
        self.estate_a.user_ids = [Command.link(self.user_manager.id)]
        rework = self._rework(severity="major")
        rework.action_issue()
        lines = rework.sla_line_ids
        self.assertEqual(len(lines), 2)
        self.assertIn("Receipt acknowledged by the contractor", lines.mapped("name"))
        rework._sla_notify_warning(lines[:1])
        warning = rework._activity_open("sla_warning")
        self.assertEqual(warning.user_id, self.user_agent)
        rework._sla_notify_escalation(lines[:1], 2)
        self.assertEqual(rework._activity_open("sla_manager").user_id, self.user_manager)
        rework.write(
            {
                "acknowledged_by": "张工",
                "acknowledgement_signature": PIXEL,
                "promised_date": date.today(),
            }
        )
        rework.action_acknowledge()
        ack = lines.filtered(lambda ln: ln.name == "Receipt acknowledged by the contractor")
        self.assertEqual(ack.status, "met")

    def test_changing_the_class_rechecks_the_warranty(self):
        rework = self._rework()
        with self.assertRefused(UserError, "not covered by the developer's warranty"):
            rework.line_ids.category_id = self.appliance
