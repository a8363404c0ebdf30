from datetime import timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Datetime
from odoo.tests import Form

from .common import CsPropertyCase


class ComplaintCase(CsPropertyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.leader = cls.user_technician
        cls.team = cls.env["cs.property.team"].create(
            {
                "estate_id": cls.estate_a.id,
                "name": "工程维修组",
                "team_type": "engineering",
                "leader_id": cls.leader.id,
                "member_ids": [(0, 0, {"user_id": cls.user_inspector.id})],
            }
        )
        cls.estate_a.manager_id = cls.user_manager
        cls.category = cls.env.ref("cs_property.complaint_category_leak")

    def _new(self, user=None, **vals):
        Complaint = self.env["cs.property.complaint"].with_user(user or self.user_agent)
        return Complaint.create(
            {
                "estate_id": self.estate_a.id,
                "partner_id": self.owner.id,
                "unit_id": self.unit_a101.id,
                "complaint_type": "engineering",
                "category_id": self.category.id,
                "description": "<p>卫生间漏水到楼下</p>",
                "expected_outcome": "Repair within the week",
                **vals,
            }
        )

    def _assessed(self, **vals):
        complaint = self._new(**vals)
        complaint.write({"team_id": self.team.id, "deadline": Datetime.now() + timedelta(days=3)})
        complaint.action_assess()
        return complaint

    def _resolved(self):
        complaint = self._assessed()
        complaint.with_user(self.leader).write({"solution": "<p>Replace the seal</p>"})
        complaint.with_user(self.leader).action_propose()
        complaint.with_user(self.user_manager).action_approve()
        complaint.action_start()
        complaint.write({"acceptance_method": "phone", "acceptance_note": "Owner confirmed"})
        complaint.action_done()
        return complaint


class TestComplaintWorkflow(ComplaintCase):
    def test_numbers_are_gap_free_and_sequential(self):
        first, second = self._new(), self._new()
        self.assertRegex(first.name, r"^TS\d{4}\d{5}$")
        self.assertEqual(int(second.name[-5:]), int(first.name[-5:]) + 1)
        sequence = self.env.ref("cs_property.seq_cs_property_complaint")
        self.assertEqual(sequence.implementation, "no_gap")
        with self.assertRefused(UserError, "cannot be deleted: cancel them"):
            first.sudo().unlink()
        first.action_cancel()
        self.assertEqual(first.state, "cancelled")

    def test_first_receiver_follows_and_team_is_notified(self):
        complaint = self._new()
        self.assertEqual(complaint.receiver_id, self.user_agent)
        self.assertIn(self.user_agent.partner_id, complaint.message_partner_ids)
        self.assertTrue(complaint.sla_line_ids, "the creation automation started the SLA")
        complaint.write({"team_id": self.team.id, "deadline": Datetime.now() + timedelta(days=2)})
        complaint.action_assess()
        self.assertEqual(complaint.user_id, self.leader, "the team leader is responsible")
        self.assertIn(self.leader.partner_id, complaint.message_partner_ids)
        self.assertTrue(complaint.activity_ids.filtered(lambda a: a.user_id == self.leader))
        self.assertTrue(complaint.deadline_communicated_at)
        self.assertEqual(complaint.state, "assessed")

    def test_full_procedure_with_callback(self):
        complaint = self._resolved()
        self.assertEqual(complaint.state, "done")
        self.assertEqual(complaint.approved_by_id, self.user_manager)
        self.assertTrue(complaint.callback_required)
        callback_type = self.env.ref("cs_property.mail_activity_type_callback")
        activity = complaint.activity_ids.filtered(lambda a: a.activity_type_id == callback_type)
        self.assertEqual(activity.user_id, self.user_agent, "the first receiver calls back")
        self.assertEqual(activity.date_deadline, (complaint.resolved_at + timedelta(days=7)).date())
        with self.assertRefused(UserError, "requires a callback"):
            complaint.action_close()
        action = complaint.action_log_callback()
        form = Form(
            self.env["cs.property.callback"]
            .with_user(self.user_agent)
            .with_context(action["context"])
        )
        form.satisfaction = "satisfied"
        form.score_result = 5
        form.score_timeliness = 4
        form.score_attitude = 5
        callback = form.save()
        self.assertAlmostEqual(callback.score_average, 14 / 3)
        self.assertTrue(complaint.callback_done)
        self.assertEqual(complaint.callback_satisfaction, "satisfied")
        self.assertFalse(
            complaint.activity_ids.filtered(lambda a: a.activity_type_id == callback_type)
        )
        complaint.action_close()
        self.assertEqual(complaint.state, "closed")
        resolution = complaint.sla_line_ids.filtered(lambda ln: ln.name == "Written reply")
        self.assertEqual(resolution.status, "met")

    def test_dissatisfied_callback_reopens_and_escalates(self):
        complaint = self._resolved()
        self.env["cs.property.callback"].with_user(self.user_agent).create(
            {
                "res_model": complaint._name,
                "res_id": complaint.id,
                "partner_id": self.owner.id,
                "satisfaction": "very_dissatisfied",
                "comment": "Still leaking",
            }
        )
        self.assertEqual(complaint.state, "assessed")
        self.assertEqual(complaint.reopen_count, 1)
        self.assertTrue(complaint.activity_ids.filtered(lambda a: a.user_id == self.user_manager))
        self.assertIn(self.user_manager.partner_id, complaint.message_partner_ids)

    def test_unreachable_customer_is_not_a_callback_done(self):
        complaint = self._resolved()
        self.env["cs.property.callback"].create(
            {
                "res_model": complaint._name,
                "res_id": complaint.id,
                "partner_id": self.owner.id,
                "reached": False,
            }
        )
        self.assertFalse(complaint.callback_done)
        with self.assertRefused(UserError, "requires a callback"):
            complaint.action_close()

    def test_nobody_approves_their_own_solution(self):
        complaint = self._assessed()
        complaint.with_user(self.leader).write({"solution": "<p>Fix it</p>"})
        complaint.with_user(self.leader).action_propose()
        with self.assertRefused(UserError, "another supervisor must approve"):
            complaint.with_user(self.leader).action_approve()
        with self.assertRefused(
            UserError, "“Approve” can only be done by the team leader or a manager"
        ):
            complaint.with_user(self.user_agent).action_approve()
        complaint.with_user(self.user_manager).action_send_back()
        self.assertEqual(complaint.state, "assessed")
        complaint.with_user(self.leader).action_propose()
        with self.assertRefused(
            UserError, "“Send Back” can only be done by the team leader or a manager"
        ):
            complaint.with_user(self.user_agent).action_send_back()

    def test_unreasonable_complaint_needs_an_explanation(self):
        complaint = self._new()
        with self.assertRefused(UserError, "fill in Explanation"):
            complaint.action_close_unreasonable()
        complaint.explanation = "Noise from the municipal road works, not ours; explained."
        complaint.action_close_unreasonable()
        self.assertEqual(complaint.state, "closed")
        self.assertFalse(complaint.is_reasonable)
        self.assertFalse(complaint.callback_required)

    def test_assessment_guards(self):
        complaint = self._new()
        with self.assertRefused(UserError, "fill in Responsible Team and Handling Deadline"):
            complaint.action_assess()
        with self.assertRefused(
            ValidationError, "must be after the time the complaint was received"
        ):
            complaint.deadline = complaint.received_at - timedelta(hours=1)
        complaint.write(
            {
                "team_id": self.team.id,
                "deadline": Datetime.now() + timedelta(days=1),
                "severity": "major",
            }
        )
        with self.assertRefused(UserError, "say why it is major"):
            complaint.action_assess()
        complaint.major_reason = "group"
        complaint.action_assess()
        self.assertTrue(complaint.activity_ids.filtered(lambda a: a.user_id == self.user_manager))
        with self.assertRefused(UserError, "is not possible now"):
            complaint.action_assess()

    def test_done_needs_acceptance(self):
        complaint = self._assessed()
        complaint.write({"solution": "<p>x</p>"})
        complaint.with_user(self.leader).action_propose()
        complaint.with_user(self.user_manager).action_approve()
        complaint.action_start()
        with self.assertRefused(UserError, "fill in Acceptance Method"):
            complaint.action_done()
        complaint.acceptance_method = "signature"
        with self.assertRefused(UserError, "signature is missing"):
            complaint.action_done()

    def test_closed_complaint_is_locked_and_reopen_window(self):
        complaint = self._new(explanation="Not ours")
        with freeze_time("2026-01-01 10:00:00"):
            complaint.action_close_unreasonable()
        with self.assertRefused(UserError, "closed complaint cannot be edited"):
            complaint.description = "<p>changed</p>"
        complaint.message_post(body="Customer called again")  # chatter stays open
        with freeze_time("2026-01-20 10:00:00"):
            complaint.action_reopen()
        self.assertEqual(complaint.state, "assessed")
        self.assertEqual(complaint.reopen_count, 1)
        complaint._set_state("closed", {"closed_at": "2026-01-21 10:00:00"})
        with freeze_time("2026-03-01 10:00:00"):
            action = complaint.action_reopen()
        follower = self.env["cs.property.complaint"].browse(action["res_id"])
        self.assertEqual(follower.parent_id, complaint)
        self.assertEqual(follower.state, "new")
        self.assertNotEqual(follower.name, complaint.name)
        self.assertEqual(complaint.state, "closed")

    def test_location_and_onchanges(self):
        facility = self.env["cs.property.facility"].create(
            {"estate_id": self.estate_a.id, "name": "Garden", "facility_type": "garden"}
        )
        with self.assertRefused(ValidationError, "not both"):
            self._new(facility_id=facility.id)
        with self.assertRefused(ValidationError, "belongs to estate"):
            self._new(unit_id=self.unit_b101.id, user=self.user_manager)
        self._occupy(self.unit_a102, self.owner_2, is_primary_contact=True)
        form = Form(self.env["cs.property.complaint"].with_user(self.user_agent))
        form.estate_id = self.estate_a
        form.unit_id = self.unit_a102
        self.assertEqual(form.partner_id, self.owner_2)
        self.assertEqual(form.phone, "13800000002")
        form.complaint_type = "engineering"
        form.category_id = self.category
        self.assertEqual(form.team_id, self.team)
        form.description = "<p>Door</p>"
        self.assertTrue(form.save().name.startswith("TS"))


class TestComplaintAccessAndViews(ComplaintCase):
    def test_who_sees_what(self):
        complaint = self._assessed()
        other = self._new(
            user=self.user_manager, estate_id=self.estate_b.id, unit_id=self.unit_b101.id
        )
        Complaint = self.env["cs.property.complaint"]
        ids = (complaint | other).ids
        self.assertEqual(
            Complaint.with_user(self.user_agent).search([("id", "in", ids)]), complaint
        )
        self.assertEqual(
            Complaint.with_user(self.user_manager).search([("id", "in", ids)]), complaint | other
        )
        # the inspector is a member of the engineering team the complaint is routed to
        self.assertEqual(
            Complaint.with_user(self.user_inspector).search([("id", "in", ids)]), complaint
        )
        stranger = self.env["res.users"].create(
            {
                "name": "Other tech",
                "login": "tech2",
                "group_ids": [(6, 0, [self.env.ref("cs_property.group_property_technician").id])],
                "property_estate_ids": [(4, self.estate_a.id)],
            }
        )
        self.assertFalse(Complaint.with_user(stranger).search([("id", "in", ids)]))
        with self.assertRaises(AccessError):
            self._new(user=self.leader)
        with self.assertRaises(AccessError):
            Complaint.with_user(self.user_plain).search([])

    def test_partner_and_unit_smart_buttons(self):
        complaint = self._new()
        self.assertEqual(self.owner.complaint_count, 1)
        self.assertEqual(self.unit_a101.complaint_count, 1)
        action = self.unit_a101.action_view_complaints()
        self.assertEqual(self.env["cs.property.complaint"].search(action["domain"]), complaint)
        action = self.owner.action_view_complaints()
        self.assertEqual(self.env["cs.property.complaint"].search(action["domain"]), complaint)

    def test_overdue_search(self):
        late = self._new()
        late.write({"team_id": self.team.id, "deadline": late.received_at + timedelta(minutes=1)})
        with freeze_time(Datetime.now() + timedelta(hours=1)):
            found = self.env["cs.property.complaint"].search(
                [("is_overdue", "=", True), ("id", "=", late.id)]
            )
            self.assertEqual(found, late)
            self.assertTrue(late.is_overdue)
            self.assertFalse(
                self.env["cs.property.complaint"].search(
                    [("is_overdue", "=", False), ("id", "=", late.id)]
                )
            )

    def test_handling_form_report(self):
        complaint = self._resolved()
        html, _ = self.env["ir.actions.report"]._render_qweb_html(
            "cs_property.report_complaint", complaint.ids
        )
        self.assertIn(complaint.name, html.decode())
        self.assertIn("Replace the seal", html.decode())

    def test_list_query_count_does_not_grow(self):
        complaints = self.env["cs.property.complaint"].create(
            [
                {
                    "estate_id": self.estate_a.id,
                    "partner_id": self.owner.id,
                    "unit_id": self.unit_a101.id,
                    "complaint_type": "environment",
                    "description": "<p>x</p>",
                }
                for _ in range(80)
            ]
        )
        fields_list = [
            "name",
            "received_at",
            "estate_id",
            "unit_id",
            "partner_id",
            "complaint_type",
            "severity",
            "team_id",
            "user_id",
            "deadline",
            "sla_deadline",
            "state",
            "is_overdue",
            "sla_failed",
        ]
        self.assertListQueriesFlat(complaints, fields_list, self.user_agent, 8)
