from datetime import timedelta

from lxml import etree

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Datetime
from odoo.tests import Form
from odoo.tools.safe_eval import safe_eval

from .test_complaint import ComplaintCase
from .test_repair import RepairCase


def _callback(record, satisfaction, minutes, reached=True, comment=False, user=None):
    """A callback made ``minutes`` from now (after the fix when positive)."""
    Callback = record.env["cs.property.callback"]
    if user:
        Callback = Callback.with_user(user)
    return Callback.create(
        {
            "res_model": record._name,
            "res_id": record.id,
            "partner_id": record.partner_id.id,
            "reached": reached,
            "satisfaction": satisfaction if reached else False,
            "comment": comment,
            "date": Datetime.now() + timedelta(minutes=minutes),
        }
    )


class TestComplaintRules(ComplaintCase):
    def _fix_again(self, complaint):
        """After a reopening: propose, approve, agree and accept again."""
        complaint.with_user(self.leader).write({"solution": "<p>Replace the pipe</p>"})
        complaint.with_user(self.leader).action_propose()
        complaint.with_user(self.user_manager).action_approve()
        complaint.action_start()
        complaint.write({"acceptance_method": "phone", "acceptance_note": "Owner confirmed"})
        complaint.action_done()

    def test_reopened_complaint_needs_a_new_callback_until_satisfied(self):
        complaint = self._resolved()
        _callback(complaint, "very_dissatisfied", 0, comment="Still leaking")
        self.assertEqual(complaint.state, "assessed", "the dissatisfied callback reopened it")
        self.assertTrue(complaint.callback_since)
        self.assertFalse(complaint.callback_done, "the old callback no longer counts")
        self._fix_again(complaint)
        # the old, dissatisfied callback does not let it close
        with self.assertRefused(UserError, "call the customer back after the fix"):
            complaint.action_close()
        # nobody answered: still no callback after the fix
        _callback(complaint, False, 5, reached=False)
        with self.assertRefused(UserError, "call the customer back after the fix"):
            complaint.action_close()
        # dissatisfied again: reopened again, and again a fix and a callback
        _callback(complaint, "not_quite", 10)
        self.assertEqual(complaint.state, "assessed")
        self.assertEqual(complaint.reopen_count, 2)
        self._fix_again(complaint)
        with self.assertRefused(UserError, "call the customer back after the fix"):
            complaint.action_close()
        _callback(complaint, "satisfied", 20)
        complaint.action_close()
        self.assertEqual(complaint.state, "closed")

    def test_last_callback_after_the_fix_must_be_satisfied(self):
        complaint = self._resolved()
        _callback(complaint, "very_dissatisfied", 0)
        complaint.with_user(self.leader).write({"solution": "<p>Replace the pipe</p>"})
        complaint.with_user(self.leader).action_propose()
        complaint.with_user(self.user_manager).action_approve()
        complaint.action_start()
        # a dissatisfied word during the work does not reopen, but blocks closing
        _callback(complaint, "not_quite", 5)
        self.assertEqual(complaint.state, "in_progress")
        complaint.write({"acceptance_method": "phone"})
        complaint.action_done()
        with self.assertRefused(UserError, "still not satisfied"):
            complaint.action_close()
        _callback(complaint, "very_satisfied", 10)
        complaint.action_close()
        self.assertEqual(complaint.state, "closed")

    def test_never_reopened_closes_with_one_callback(self):
        complaint = self._resolved()
        self.assertFalse(complaint.callback_since)
        _callback(complaint, "satisfied", 0)
        complaint.action_close()
        self.assertEqual(complaint.state, "closed")

    def _running(self, complaint):
        lines = complaint.sudo().sla_line_ids.filtered(lambda ln: ln.status == "running")
        return {ln.name: ln.target_id.hours for ln in lines}

    def test_major_assessment_replans_the_sla(self):
        major = self.env.ref("cs_property.sla_policy_complaint_major")
        general = self.env.ref("cs_property.sla_policy_complaint_general")
        complaint = self._new()
        self.assertEqual(self._running(complaint), {"First response": 24, "Written reply": 56})
        before = complaint.sudo().sla_line_ids
        old_deadline = before.filtered(lambda ln: ln.name == "First response").deadline
        complaint.expected_outcome = "Call me"  # not a policy criterion: clocks untouched
        self.assertEqual(complaint.sudo().sla_line_ids, before)
        complaint.write(
            {
                "team_id": self.team.id,
                "deadline": Datetime.now() + timedelta(days=1),
                "severity": "major",
                "major_reason": "group",
            }
        )
        lines = complaint.sudo().sla_line_ids
        self.assertEqual(lines.policy_id, major)
        self.assertEqual(
            self._running(complaint), {"First response": 4, "Written reply": 24, "Resolution": 40}
        )
        self.assertFalse(before.exists(), "running lines of the old policy are replaced")
        response = lines.filtered(lambda ln: ln.name == "First response")
        self.assertLess(response.deadline, old_deadline)
        complaint.action_assess()
        self.assertEqual(response.status, "met")
        # downgraded later: the met line keeps its history, the rest follows the new policy
        complaint.severity = "general"
        lines = complaint.sudo().sla_line_ids
        self.assertIn(response, lines)
        self.assertEqual(response.status, "met")
        self.assertEqual(self._running(complaint), {"Written reply": 56})
        self.assertEqual(lines.filtered(lambda ln: ln.status == "running").policy_id, general)
        self.assertEqual(len(lines), 2, "no second first-response clock for a reached target")

    def test_failed_line_keeps_its_history_on_replan(self):
        complaint = self._new()
        response = complaint.sudo().sla_line_ids.filtered(lambda ln: ln.name == "First response")
        response.write({"status": "failed", "date_reached": Datetime.now()})
        complaint.write({"severity": "major", "major_reason": "media"})
        lines = complaint.sudo().sla_line_ids
        self.assertIn(response, lines)
        self.assertEqual(response.status, "failed")
        self.assertIn("Resolution", self._running(complaint))


class TestComplaintActivities(ComplaintCase):
    def _open(self, record, step=None):
        return record._activity_open(step)

    def test_each_step_has_one_activity_closed_when_done(self):
        complaint = self._new(team_id=self.team.id)
        assess = self._open(complaint, "assess")
        self.assertEqual(assess.user_id, self.leader, "the team leader assesses")
        complaint.write({"deadline": Datetime.now() + timedelta(days=3)})
        complaint.action_assess()
        self.assertFalse(self._open(complaint, "assess"), "assessment done")
        complaint._notify_responsible_team()  # the rule running twice adds nothing
        handle = self._open(complaint, "handle")
        self.assertEqual(len(handle), 1)
        self.assertEqual(handle.user_id, self.leader)
        self.assertEqual(handle.date_deadline, complaint.deadline.date())
        # the leader proposes: the CS manager approves
        complaint.with_user(self.leader).write({"solution": "<p>Replace the seal</p>"})
        complaint.with_user(self.leader).action_propose()
        self.assertEqual(self._open(complaint, "approve").user_id, self.user_manager)
        complaint.with_user(self.user_manager).action_approve()
        self.assertFalse(self._open(complaint, "approve"))
        self.assertEqual(self._open(complaint, "agree").user_id, self.user_agent)
        complaint.action_start()
        self.assertFalse(self._open(complaint, "agree"))
        complaint.write({"acceptance_method": "phone"})
        complaint.action_done()
        self.assertFalse(self._open(complaint, "handle"))
        callback = self._open(complaint, "callback")
        self.assertEqual(callback.user_id, self.user_agent, "the first receiver calls back")
        _callback(complaint, "very_satisfied", 0, comment="Fixed, thanks")
        self.assertFalse(self._open(complaint))
        done = complaint.message_ids.filtered(
            lambda m: (
                m.mail_activity_type_id == self.env.ref("cs_property.mail_activity_type_callback")
            )
        )
        self.assertIn("Very Satisfied: Fixed, thanks", done.body)
        self.assertNotIn("very_satisfied", done.body)
        complaint.action_close()
        self.assertFalse(complaint.activity_ids, "a closed complaint has no open activity")

    def test_sent_back_returns_to_the_proposer_and_no_approval_is_left(self):
        complaint = self._assessed()
        complaint.with_user(self.user_agent).write({"solution": "<p>x</p>"})
        complaint.with_user(self.user_agent).action_propose()
        approve = self._open(complaint, "approve")
        self.assertEqual(approve.user_id, self.leader)
        complaint.with_user(self.user_manager).action_send_back()
        self.assertFalse(self._open(complaint, "approve"))
        self.assertIn("sent back for rework", complaint.message_ids[0].body)

    def test_major_and_reopen_escalations_close_with_the_complaint(self):
        complaint = self._assessed(severity="major", major_reason="group")
        major = self._open(complaint, "major")
        self.assertEqual(major.user_id, self.user_manager)
        self.assertIn("Major complaint", complaint.message_ids[0].body)
        complaint.explanation = "Not ours after all"
        complaint.action_close_unreasonable()
        self.assertFalse(complaint.activity_ids)
        self.assertFalse(self._open(complaint))

    def test_reopen_gives_the_work_back_once(self):
        complaint = self._resolved()
        _callback(complaint, "very_dissatisfied", 0)
        self.assertEqual(len(self._open(complaint, "handle")), 1)
        self.assertEqual(self._open(complaint, "reopened").user_id, self.user_manager)
        complaint._notify_responsible_team()
        self.assertEqual(len(self._open(complaint, "handle")), 1)

    def test_cancelled_complaint_keeps_no_workflow_activity(self):
        complaint = self._new(team_id=self.team.id)
        self.assertTrue(self._open(complaint))
        complaint.action_cancel()
        self.assertFalse(self._open(complaint))


class TestRecipientLanguage(ComplaintCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms(["cs_property"], ["zh_CN"], overwrite=True)
        cls.user_manager.lang = "zh_CN"

    def test_cron_writes_chinese_for_a_chinese_manager(self):
        complaint = self._new(team_id=self.team.id)
        lines = complaint.sudo().sla_line_ids
        # the time-based rules run as the superuser in English
        cron_env = self.env(su=True, context={"lang": "en_US"})
        cron_lines = lines.with_env(cron_env)
        cron_lines._sla_escalate(2)
        activities = complaint._activity_open().filtered(lambda a: a.user_id == self.user_manager)
        self.assertEqual(len(activities), 1, "one for the late targets, no duplicate")
        self.assertTrue(activities.summary.startswith("服务时限超时"))
        self.assertIn("首次响应", activities.summary)
        notes = complaint.message_ids.filtered(lambda m: "服务时限超时" in (m.body or ""))
        self.assertEqual(len(notes), 1, "the escalation note is Chinese too")
        cron_lines._sla_escalate(2)  # the rule run again: still one activity
        self.assertEqual(
            len(complaint._activity_open().filtered(lambda a: a.user_id == self.user_manager)),
            1,
        )
        # the targets are reached: their escalation activities have served
        complaint.write({"deadline": Datetime.now() + timedelta(days=1)})
        complaint.action_assess()
        left = complaint._activity_open().filtered(
            lambda a: a.user_id == self.user_manager and a.cs_step == "sla_manager"
        )
        self.assertEqual(len(left), 1, "the written reply is still late: the activity stays")

    def test_warning_summary_in_each_recipients_language(self):
        complaint = self._new(team_id=self.team.id, user_id=self.user_manager.id)
        complaint.sudo().sla_line_ids.with_env(
            self.env(su=True, context={"lang": "en_US"})
        )._sla_warn()
        warnings = complaint._activity_open()
        by_user = {a.user_id: a.summary for a in warnings if a.cs_step.startswith("sla_warning")}
        self.assertTrue(by_user[self.user_manager].startswith("服务时限即将超时"))
        self.assertTrue(by_user[self.leader].startswith("SLA about to fail"))

    def test_callback_feedback_shows_the_label_in_the_assignees_language(self):
        self.user_agent.lang = "zh_CN"
        complaint = self._resolved()
        _callback(complaint, "very_satisfied", 0)
        done = complaint.message_ids.filtered(
            lambda m: (
                m.mail_activity_type_id == self.env.ref("cs_property.mail_activity_type_callback")
            )
        )
        self.assertIn("很满意", done.body)
        self.assertNotIn("very_satisfied", done.body)

    def test_reopen_note_in_the_managers_language(self):
        complaint = self._resolved()
        _callback(complaint, "very_dissatisfied", 0)
        self.assertTrue(any("投诉已重新打开" in b for b in complaint.message_ids.mapped("body")))
        reopened = complaint._activity_open("reopened")
        self.assertEqual(reopened.summary, "投诉已重新打开：客户不满意。")


class TestServiceOrderRules(RepairCase):
    def test_agent_gets_business_answers_on_invoiced_orders(self):
        order = self._paid_done()
        order.action_create_invoice()
        invoice = order.invoice_id
        with self.assertRaises(AccessError):
            invoice.with_user(self.user_agent).read(["state"])  # rights not widened
        with self.assertRefused(UserError, "already invoiced") as caught:
            order.action_create_invoice()
        self.assertNotIsInstance(caught.exception, AccessError)
        # draft invoice: cancelled with the order
        order.action_cancel()
        self.assertEqual(order.state, "cancelled")
        self.assertEqual(invoice.sudo().state, "cancel")

    def test_agent_is_told_to_get_a_credit_note_first(self):
        order = self._paid_done()
        order.action_create_invoice()
        invoice = order.invoice_id
        invoice.with_user(self.user_finance).action_post()
        with self.assertRefused(UserError, "must issue a credit note") as caught:
            order.with_user(self.user_agent).action_cancel()
        self.assertNotIsInstance(caught.exception, AccessError)
        self.assertEqual(order.state, "done")

    def test_a_place_is_required(self):
        with self.assertRefused(ValidationError, "give the unit or the common area") as caught:
            self._order(unit_id=False)
        self.assertNotIn("not billed", str(caught.exception))
        facility = self.env["cs.property.facility"].create(
            {"estate_id": self.estate_a.id, "name": "1号电梯", "facility_type": "elevator"}
        )
        order = self._order(unit_id=False, facility_id=facility.id, partner_id=False)
        self.assertEqual(order.charge_to, "none")

    def test_team_proposed_from_the_category(self):
        order = (
            self.env["cs.property.repair"]
            .with_user(self.user_agent)
            .create(
                {
                    "estate_id": self.estate_a.id,
                    "unit_id": self.unit_a101.id,
                    "partner_id": self.owner.id,
                    "category_id": self.plumbing.id,
                    "description": "漏水",
                }
            )
        )
        self.assertEqual(order.team_id, self.team, "engineering faults go to engineering")
        form = Form(self.env["cs.property.repair"].with_user(self.user_agent))
        form.estate_id = self.estate_a
        form.unit_id = self.unit_a101
        form.category_id = self.plumbing
        self.assertEqual(form.team_id, self.team)
        cleaning = self.env["cs.property.team"].create(
            {"estate_id": self.estate_a.id, "name": "保洁组", "team_type": "cleaning"}
        )
        self.plumbing.team_type = "cleaning"
        form.category_id = self.leak
        form.category_id = self.plumbing
        self.assertEqual(form.team_id, cleaning)
        # a category of a type the estate has no team for leaves the choice alone
        self.electrical.team_type = "greening"
        form.category_id = self.electrical
        self.assertEqual(form.team_id, cleaning)

    def test_urgency_change_replans_the_sla(self):
        def running(order):
            lines = order.sudo().sla_line_ids.filtered(lambda ln: ln.status == "running")
            return {ln.name: ln.target_id.hours for ln in lines}

        order = self._order(received_at="2020-01-01 08:00:00")
        self.assertEqual(running(order), {"Arrival on site": 0.5, "Completion": 16})
        order.urgency = "emergency"
        self.assertEqual(running(order), {"Arrival on site": 0.25, "Completion": 4})
        order.action_dispatch()
        order.action_arrive()
        arrival = order.sudo().sla_line_ids.filtered(lambda ln: ln.name == "Arrival on site")
        self.assertEqual(arrival.status, "failed", "on site long after 15 minutes")
        order.urgency = "normal"
        self.assertEqual(running(order), {"Completion": 16})
        self.assertIn(arrival, order.sudo().sla_line_ids, "the failed arrival keeps its history")

    def _quoted(self):
        order = self._order()
        order.line_ids = [Command.create({"product_id": self.product.id, "quantity": 1})]
        order.action_consent_given()
        return order

    def test_consent_covers_an_amount(self):
        order = self._quoted()
        self.assertEqual(order.consent_state, "given")
        self.assertAlmostEqual(order.consent_amount, 84.8)
        order.action_dispatch()
        order.with_user(order.technician_id).action_arrive()
        # more work found on site: the charges grow above the consent
        order.with_user(order.technician_id).write(
            {
                "line_ids": [Command.create({"product_id": self.labour.id, "quantity": 2})],
                "customer_comment": "ok",
            }
        )
        self.assertEqual(order.consent_state, "pending")
        with self.assertRefused(UserError, "above what the customer consented to"):
            order.with_user(order.technician_id).action_done()
        order.action_consent_given()
        self.assertAlmostEqual(order.consent_amount, 212.0)
        # charges going down stay covered
        order.line_ids[-1].quantity = 1
        self.assertEqual(order.consent_state, "given")
        order.with_user(order.technician_id).action_done()
        self.assertEqual(order.state, "done")

    def test_invoice_refused_above_the_consent(self):
        order = self._paid_done()
        order.line_ids[0].quantity = 3
        self.assertEqual(order.consent_state, "pending")
        with self.assertRefused(UserError, "record the customer's consent again before invoicing"):
            order.action_create_invoice()
        self.assertFalse(order.invoice_id)
        order.action_consent_given()
        self.assertTrue(order.action_create_invoice())

    def test_consent_buttons_not_on_an_empty_form(self):
        arch = self.env["cs.property.repair"].get_view(view_type="form")["arch"]
        tree = etree.fromstring(arch)
        for name in ("action_consent_given", "action_consent_refused"):
            button = tree.xpath(f"//button[@name='{name}']")[0]
            self.assertTrue(button.get("invisible").startswith("not id or"))

    def test_product_picker_offers_the_paid_services_only(self):
        chair = self.env["product.product"].create({"name": "Office chair", "sale_ok": True})
        other = self.env["product.product"].create(
            {
                "name": "Other company's service",
                "categ_id": self.product.categ_id.id,
                "company_id": self.company_2.id,
            }
        )
        line = self.env["cs.property.repair.line"].new({"repair_id": self._order().id})
        domain = safe_eval(
            line._fields["product_id"].domain,
            {"service_categ_id": line.service_categ_id.id, "company_id": self.company.id},
        )
        offered = self.env["product.product"].search(domain)
        self.assertIn(self.product, offered)
        self.assertIn(self.labour, offered)
        self.assertNotIn(chair, offered)
        self.assertNotIn(other, offered)


class TestServiceOrderActivities(RepairCase):
    def test_dispatch_repair_and_callback_steps(self):
        self.estate_a.manager_id = self.user_manager
        order = self._order(received_at="2020-01-01 08:00:00")
        dispatch = order._activity_open("dispatch")
        self.assertEqual(dispatch.user_id, self.user_technician, "the team leader dispatches")
        order.action_dispatch()
        self.assertFalse(order._activity_open("dispatch"))
        repair = order._activity_open("repair")
        self.assertEqual((len(repair), repair.user_id), (1, self.tech_1))
        # re-dispatch: back to dispatching, then the activity moves to the new technician
        order.action_redispatch()
        self.assertEqual(len(order._activity_open("dispatch")), 1)
        order.action_dispatch()
        repair = order._activity_open("repair")
        self.assertEqual((len(repair), repair.user_id), (1, self.tech_2))
        order.with_user(self.tech_2).action_arrive()
        order.with_user(self.tech_2).write({"customer_comment": "ok"})
        order.with_user(self.tech_2).action_done()
        self.assertFalse(order._activity_open("repair"))
        # a dissatisfied callback: the technician and the managers get it back
        _callback(order, "not_quite", 0, comment="还在漏")
        self.assertEqual(order.state, "dispatched")
        self.assertEqual(order._activity_open("repair").user_id, self.tech_2)
        self.assertEqual(order._activity_open("reopened").user_id, self.user_manager)
        order.with_user(self.tech_2).action_arrive()
        order.with_user(self.tech_2).action_done()
        with self.assertRefused(UserError, "call the customer back after the fix"):
            order.action_close()
        _callback(order, "satisfied", 5)
        order.action_close()
        self.assertFalse(order.activity_ids, "a closed order has no open activity")

    def test_cancelled_order_keeps_no_activity(self):
        order = self._order()
        order.action_dispatch()
        self.assertTrue(order._activity_open())
        order.action_cancel()
        self.assertFalse(order._activity_open())
        self.assertFalse(order.activity_ids)
