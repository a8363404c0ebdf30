from datetime import timedelta

from lxml import etree

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.service.model import call_kw
from odoo.tests import new_test_user

from .test_charge_billing import ChargeCase


class ArrearsCase(ChargeCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.estate_a.charge_payment_term_id = False  # due on the invoice date
        cls.today = fields.Date.context_today(cls.env["res.partner"])

    def _bill_ago(self, month, days):
        """Bill ``month`` with an invoice (due) ``days`` ago."""
        return self._bill(start=month, invoice_date=self.today - timedelta(days=days))

    def _pay(self, invoice, amount=None):
        vals = {"amount": amount} if amount else {}
        self.env["account.payment.register"].with_user(self.user_finance).with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create(vals)._create_payments()

    def _row(self, unit=None, partner=None, user=None):
        Arrears = self.env["cs.property.arrears"]
        if user:
            Arrears = Arrears.with_user(user)
        return Arrears.search(
            [
                ("unit_id", "=", (unit or self.unit_a101).id),
                ("partner_id", "=", (partner or self.owner).id),
            ]
        )


class TestArrears(ArrearsCase):
    def test_aging_buckets_and_partial_payment(self):
        runs = [
            self._bill_ago(month, days)
            for month, days in (
                ("2025-01-01", 400),
                ("2025-06-01", 200),
                ("2025-09-01", 100),
                ("2025-11-01", 45),
                ("2026-01-01", 10),
            )
        ]
        row = self._row()
        # 89.5 m² × 2.50 = 223.75 + 6 % VAT 13.43 + 10.00 waste = 247.18 a month
        self.assertAlmostEqual(row.amount_overdue, 5 * 247.18)
        self.assertEqual(row.months_overdue, 5)
        self.assertEqual(row.oldest_due, self.today - timedelta(days=400))
        for bucket in (
            "bucket_0_30",
            "bucket_31_90",
            "bucket_91_180",
            "bucket_181_365",
            "bucket_365",
        ):
            self.assertAlmostEqual(row[bucket], 247.18, msg=bucket)
        oldest = self._invoice_of(self.owner, runs[0])
        self._pay(oldest, 100.0)
        self.env.invalidate_all()
        row = self._row()
        self.assertAlmostEqual(row.bucket_365, 147.18)
        self.assertAlmostEqual(row.amount_overdue, 5 * 247.18 - 100)
        self._pay(oldest)
        self.env.invalidate_all()
        row = self._row()
        self.assertAlmostEqual(row.bucket_365, 0.0)
        self.assertEqual(row.months_overdue, 4)
        # the tenant's unit 102 is the tenant's arrears, not the owner's
        self.assertFalse(self._row(self.unit_a102, self.owner_2))
        self.assertTrue(self._row(self.unit_a102, self.tenant))

    def test_open_unit_from_arrears(self):
        self._bill_ago("2026-01-01", 40)
        action = self._row(user=self.user_agent).action_open_unit()
        self.assertEqual(action["res_id"], self.unit_a101.id)

    def test_multi_unit_invoice_shares_the_residual(self):
        self.unit_a201.handover_date = "2025-01-01"
        self._occupy(self.unit_a201, self.owner, start="2025-01-01")
        run = self._bill_ago("2026-01-01", 40)
        invoice = self._invoice_of(self.owner, run)
        self.assertEqual(len(invoice.invoice_line_ids.cs_unit_id), 2)
        self._pay(invoice, invoice.amount_total / 2)
        self.env.invalidate_all()
        total = sum(
            self.env["cs.property.arrears"]
            .search([("partner_id", "=", self.owner.id)])
            .mapped("amount_overdue")
        )
        self.assertAlmostEqual(total, invoice.amount_residual, delta=0.01)

    def test_agents_read_arrears_of_their_estates_only(self):
        self._bill_ago("2026-01-01", 40)
        self.assertTrue(self._row(user=self.user_agent))
        self.assertFalse(self._row(user=self.user_manager_2))
        b_agent = new_test_user(
            self.env, login="agent_b", groups="base.group_user,cs_property.group_property_agent"
        )
        self.estate_b.user_ids = [Command.link(b_agent.id)]
        self.assertFalse(self._row(user=b_agent))
        with self.assertRaises(AccessError):
            self.env["account.move"].with_user(self.user_agent).create(
                {"move_type": "out_invoice", "partner_id": self.owner.id}
            )
        self.assertListQueriesFlat(
            self.env["cs.property.arrears"].search([("estate_id", "=", self.estate_a.id)]),
            [
                "unit_id",
                "partner_id",
                "amount_overdue",
                "months_overdue",
                "oldest_due",
                "bucket_0_30",
                "bucket_365",
            ],
            self.user_agent,
            4,
        )


class TestFollowup(ArrearsCase):
    def _followup(self):
        return self.env["cs.property.arrears.followup"].search(
            [("unit_id", "=", self.unit_a101.id), ("partner_id", "=", self.owner.id)]
        )

    def _age(self, invoice, days):
        self.env.cr.execute(
            "UPDATE account_move SET invoice_date_due = invoice_date_due - %s WHERE id = %s",
            (days, invoice.id),
        )
        self.env.invalidate_all()

    def test_ladder_steps_up_and_payment_closes(self):
        Followup = self.env["cs.property.arrears.followup"]
        run = self._bill_ago("2026-01-01", 5)
        invoice = self._invoice_of(self.owner, run)
        Followup._cron_apply_ladder()
        followup = self._followup()
        self.assertEqual(followup.level_id, self.env.ref("cs_property.arrears_level_contact"))
        activities = followup._activity_open()
        self.assertEqual(activities.user_id, self.user_agent)
        # idempotent: a second run adds nothing
        Followup._apply_ladder()
        self.assertEqual(len(self._followup()), 1)
        self.assertEqual(len(followup._activity_open()), 1)
        # the steward records the cause
        agent_view = followup.with_user(self.user_agent)
        with self.assertRefused(UserError, "choose the cause"):
            agent_view.action_record_cause()
        agent_view.write({"cause": "owner", "cause_note": "Travelling, pays next month"})
        agent_view.action_record_cause()
        self.assertFalse(followup._activity_open("arrears_contact"))
        with self.assertRefused(UserError, "demand-letter level"):
            agent_view.action_print_demand_letter()
        # six months later: calls and visits
        self._age(invoice, 200)
        Followup._apply_ladder()
        self.assertEqual(followup.level_code, "visit")
        self.assertTrue(followup._activity_open("arrears_visit"))
        self.assertEqual(followup.level_state, "todo")
        # still unpaid: the demand letter, with its deadline, once the visits are done
        self._age(invoice, 60)
        Followup._apply_ladder()
        self.assertEqual(followup.level_code, "visit")  # its action is still due
        agent_view.action_level_done()
        self.assertFalse(followup._activity_open("arrears_visit"))
        Followup._apply_ladder()
        self.assertEqual(followup.level_code, "demand")
        self.assertEqual(followup.demand_deadline, self.today + timedelta(days=15))
        action = agent_view.action_print_demand_letter()
        self.assertEqual(action["report_name"], "cs_property.report_demand_letter")
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("cs_property.report_demand_letter", followup.ids)[0]
            .decode()
        )
        self.assertIn(self.owner.name, html)
        # paying with Odoo's register-payment closes the follow-up and its activities
        self._pay(invoice)
        self.assertEqual(followup.state, "closed")
        self.assertFalse(followup._activity_open())
        self.assertFalse(self._row())

    def test_legal_flag_over_amount(self):
        self.env.ref("cs_property.arrears_level_legal").min_amount = 200
        self._bill_ago("2026-01-01", 3)
        Followup = self.env["cs.property.arrears.followup"]
        Followup._apply_ladder()
        followup = self._followup()
        # the balance warrants legal action, yet the ladder climbs rung by rung,
        # each action done or skipped with a reason
        self.assertEqual((followup.level_code, followup.level_state), ("contact", "todo"))
        agent = followup.with_user(self.user_agent)
        with self.assertRefused(UserError, "write why the level"):
            agent.action_skip_level()
        self.assertEqual(followup.level_state, "todo")
        climbed = []
        for step in ("skip", "done", "done"):
            if step == "skip":
                agent.skip_reason = "Phone number out of service"
                agent.action_skip_level()
            else:
                agent.action_level_done()
            climbed.append((followup.level_code, followup.level_state))
            Followup._apply_ladder()
        self.assertEqual(climbed, [("contact", "skipped"), ("visit", "done"), ("demand", "done")])
        self.assertEqual((followup.level_code, followup.level_state), ("legal", "todo"))
        self.assertTrue(followup.legal_action)
        self.assertFalse(followup.skip_reason)
        notes = followup.message_ids.mapped("body")
        self.assertTrue(any("Phone number out of service" in n for n in notes))
        agent.action_level_done()
        with self.assertRefused(UserError, "no level action is due"):
            agent.action_level_done()
        self.assertEqual(followup.level_state, "done")

    def test_promise_or_dispute_pauses_the_ladder(self):
        self.env.ref("cs_property.arrears_level_legal").min_amount = 200
        self._bill_ago("2026-01-01", 3)
        Followup = self.env["cs.property.arrears.followup"]
        Followup._apply_ladder()
        followup = self._followup()
        agent = followup.with_user(self.user_agent)
        agent.write({"cause": "owner", "cause_note": "Pays on the 20th"})
        agent.action_record_cause()
        self.assertEqual(followup.level_state, "done")
        for reason, level, following in (
            ("promise", "contact", "visit"),
            ("dispute", "visit", "demand"),
        ):
            agent.write({"pause_reason": reason, "pause_until": self.today + timedelta(days=10)})
            Followup._apply_ladder()
            self.assertEqual((followup.level_code, followup.level_state), (level, "done"))
            # the date passed without payment: the ladder goes on
            agent.pause_until = self.today - timedelta(days=1)
            Followup._apply_ladder()
            self.assertEqual((followup.level_code, followup.level_state), (following, "todo"))
            agent.action_level_done()
        self.assertEqual(followup.level_code, "demand")

    def test_ladder_fields_only_move_through_the_steps(self):
        """No jump to the highest level by a plain write (RPC, import, form)."""
        self._bill_ago("2026-01-01", 3)
        self.env["cs.property.arrears.followup"]._apply_ladder()
        followup = self._followup()
        legal = self.env.ref("cs_property.arrears_level_legal")
        before = (followup.level_id, followup.level_state, followup.legal_action)
        for user in (self.user_agent, self.user_manager, self.env.ref("base.user_admin")):
            for vals in (
                {"level_id": legal.id},
                {"level_state": "done"},
                {"legal_action": True},
                {"partner_id": self.owner_2.id},
            ):
                with self.assertRefused(UserError, "set by the workflow's steps, not by hand"):
                    call_kw(
                        followup.with_user(user).env[followup._name],
                        "write",
                        [followup.ids, vals],
                        {},
                    )
        self.assertEqual((followup.level_id, followup.level_state, followup.legal_action), before)
        # re-sending the value the record has is no change (imports, forms)
        followup.with_user(self.user_agent).write({"level_id": followup.level_id.id})
        with self.assertRefused(ValidationError, "a pause needs its reason"):
            followup.with_user(self.user_agent).write({"pause_until": self.today})
        self.assertFalse(followup.pause_until)
        view = followup.with_user(self.user_agent).get_views([(False, "form")])["views"]["form"]
        self.assertIn('name="level_id"', view["arch"])
        arch = etree.fromstring(view["arch"])
        self.assertEqual(arch.xpath("//field[@name='legal_action']")[0].get("readonly"), "True")

    def test_service_failure_opens_a_complaint(self):
        self._bill_ago("2026-01-01", 3)
        self.env["cs.property.arrears.followup"]._apply_ladder()
        followup = self._followup().with_user(self.user_agent)
        followup.write({"cause": "service", "cause_note": "Lift broken for weeks"})
        action = followup.action_record_cause()
        self.assertEqual(action["res_model"], "cs.property.complaint")
        self.assertEqual(action["context"]["default_unit_id"], self.unit_a101.id)

    def test_followup_access(self):
        self._bill_ago("2026-01-01", 3)
        self.env["cs.property.arrears.followup"]._apply_ladder()
        followup = self._followup()
        self.assertTrue(followup.with_user(self.user_agent).read(["amount_overdue"]))
        with self.assertRaises(AccessError):
            followup.with_user(self.user_manager_2).read(["amount_overdue"])
        with self.assertRaises(AccessError):
            followup.with_user(self.user_technician).write({"cause": "owner"})
        with self.assertRefused(UserError, "directly"):
            followup.with_user(self.user_agent).write({"state": "closed"})


class TestPaymentNotice(ArrearsCase):
    def test_notice_shows_period_lines_and_arrears(self):
        self.estate_a.charge_payment_instructions = "Bank: 招商银行 6225 0000"
        self._bill_ago("2025-12-01", 40)
        self.estate_a.charge_payment_term_id = self.term_30
        self._bill_ago("2026-01-01", 0)  # current month, due in 30 days
        data = self.unit_a101._payment_notice_data()
        self.assertAlmostEqual(data["current_total"], 247.18)
        self.assertAlmostEqual(data["arrears"], 247.18)
        self.assertAlmostEqual(data["total"], 494.36)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("cs_property.report_payment_notice", self.unit_a101.ids)[0]
            .decode()
        )
        self.assertIn("2026-01", html)
        self.assertIn("招商银行", html)
        template = self.env.ref("cs_property.mail_template_cs_property_payment_notice")
        action = self.unit_a101.action_send_payment_notice()
        self.assertEqual(action["context"]["default_template_id"], template.id)
        mail = self.env["mail.mail"].browse(template.send_mail(self.unit_a101.id))
        self.assertIn(self.owner, mail.recipient_ids)
        self.assertTrue(mail.attachment_ids)
