from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Datetime
from odoo.tests import Form, new_test_user

from .common import CsPropertyCase


class RepairCase(CsPropertyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.plumbing = env.ref("cs_property.repair_category_plumbing")  # 24 months, plumbing
        cls.leak = env.ref("cs_property.repair_category_leak")  # 60 months
        cls.electrical = env.ref("cs_property.repair_category_electrical")
        cls.skill_plumbing = env.ref("cs_property.skill_plumbing")
        cls.skill_electrical = env.ref("cs_property.skill_electrical")
        cls.building_a1.developer_id = cls.developer
        cls.tax = env["account.tax"].create(
            {"name": "VAT 6% services", "amount": 6, "type_tax_use": "sale"}
        )
        cls.product = env.ref("cs_property.product_service_unblock")
        cls.product.taxes_id = cls.tax
        cls.labour = env.ref("cs_property.product_service_labour")
        cls.labour.taxes_id = cls.tax

        def tech(login):
            return new_test_user(
                env,
                login=login,
                groups="base.group_user,cs_property.group_property_technician",
                name=login,
            )

        cls.tech_1, cls.tech_2, cls.tech_3 = tech("tech1"), tech("tech2"), tech("tech3")
        cls.team = env["cs.property.team"].create(
            {
                "estate_id": cls.estate_a.id,
                "name": "工程部",
                "team_type": "engineering",
                "leader_id": cls.user_technician.id,
                "member_ids": [
                    Command.create(
                        {
                            "user_id": cls.tech_1.id,
                            "sequence": 1,
                            "skill_ids": [
                                Command.set([cls.skill_plumbing.id, cls.skill_electrical.id])
                            ],
                        }
                    ),
                    Command.create(
                        {
                            "user_id": cls.tech_2.id,
                            "sequence": 2,
                            "skill_ids": [Command.set([cls.skill_plumbing.id])],
                        }
                    ),
                    Command.create(
                        {
                            "user_id": cls.tech_3.id,
                            "sequence": 3,
                            "skill_ids": [
                                Command.set([cls.skill_plumbing.id, cls.skill_electrical.id])
                            ],
                        }
                    ),
                ],
            }
        )
        cls._occupy(cls.unit_a101, cls.owner, is_primary_contact=True)
        # unit_a101 warranty starts 2021-03-15 (building completion)

    def _order(self, user=None, **vals):
        values = {
            "estate_id": self.estate_a.id,
            "unit_id": self.unit_a101.id,
            "partner_id": self.owner.id,
            "category_id": self.plumbing.id,
            "description": "厨房下水道堵塞",
            "team_id": self.team.id,
            **vals,
        }
        return self.env["cs.property.repair"].with_user(user or self.user_agent).create(values)

    def _paid_done(self, **vals):
        order = self._order(**vals)
        self.assertEqual(order.charge_to, "customer")
        order.line_ids = [
            Command.create({"product_id": self.product.id, "quantity": 1}),
            Command.create({"product_id": self.labour.id, "quantity": 1.5}),
        ]
        order.action_consent_given()
        order.action_dispatch()
        order.with_user(order.technician_id).action_arrive()
        order.with_user(order.technician_id).write(
            {"labour_hours": 1.5, "customer_comment": "修好了，满意"}
        )
        order.with_user(order.technician_id).action_done()
        return order


class TestWarrantyAndPayer(RepairCase):
    def test_warranty_boundaries(self):
        # plumbing: 24 months from 2021-03-15 -> covered until 2023-03-14 included
        last_day = self._order(received_at="2023-03-14 15:59:59")
        self.assertTrue(last_day.in_warranty)
        self.assertEqual(str(last_day.warranty_end), "2023-03-15")
        self.assertEqual(last_day.charge_to, "none")
        self.assertEqual(last_day.consent_state, "not_needed")
        first_day_out = self._order(received_at="2023-03-15 00:00:00")
        self.assertFalse(first_day_out.in_warranty)
        self.assertEqual(first_day_out.charge_to, "customer")
        self.assertEqual(first_day_out.payer_id, self.owner)
        self.assertEqual(first_day_out.consent_state, "pending")
        # roof and bathroom leaks: five years
        self.assertTrue(
            self._order(category_id=self.leak.id, received_at="2026-03-14 08:00:00").in_warranty
        )
        self.assertFalse(
            self._order(category_id=self.leak.id, received_at="2026-03-15 08:00:00").in_warranty
        )
        # no completion date: no warranty
        self.assertFalse(self._order(unit_id=self.unit_a201.id).in_warranty)

    def test_common_areas_are_never_billed_to_an_owner(self):
        facility = self.env["cs.property.facility"].create(
            {"estate_id": self.estate_a.id, "name": "1号电梯", "facility_type": "elevator"}
        )
        order = self._order(unit_id=False, facility_id=facility.id, partner_id=False)
        self.assertEqual(order.charge_to, "none")
        self.assertFalse(order.payer_id)
        with self.assertRefused(ValidationError, "not billed to an owner"):
            order.charge_to = "customer"
        with self.assertRefused(ValidationError, "say where the fault is"):
            self._order(unit_id=False)
        with self.assertRefused(ValidationError, "a paid order needs the customer"):
            self._order(partner_id=False)

    def test_developer_charge_back(self):
        order = self._order(received_at="2022-01-10 08:00:00", charge_to="developer")
        self.assertTrue(order.in_warranty)
        self.assertEqual(order.payer_id, self.developer)
        self.assertEqual(order.consent_state, "not_needed")
        with self.assertRefused(ValidationError, "no developer to charge back"):
            self._order(unit_id=self.unit_a201.id, charge_to="developer")

    def test_consent_before_paid_work(self):
        order = self._order()
        order.action_dispatch()
        with self.assertRefused(UserError, "only after the customer consents"):
            order.with_user(order.technician_id).action_arrive()
        order.action_consent_given()
        order.with_user(order.technician_id).action_arrive()
        self.assertEqual(order.state, "in_progress")
        emergency = self._order(urgency="emergency")
        emergency.action_dispatch()
        emergency.action_arrive()
        self.assertEqual(emergency.state, "in_progress", "emergency: repair first")
        with self.assertRefused(UserError, "record the customer's consent"):
            emergency.write(
                {
                    "customer_comment": "ok",
                    "line_ids": [Command.create({"product_id": self.product.id})],
                }
            )
            emergency.action_done()
        with self.assertRefused(UserError, "does not wait for consent"):
            self._order(received_at="2020-01-01 08:00:00").action_consent_given()
        refused = self._order()
        refused.action_consent_refused()
        self.assertEqual(refused.state, "cancelled")
        self.assertEqual(refused.consent_state, "refused")
        self.assertFalse(refused.technician_id, "no work done")


class TestDispatch(RepairCase):
    def test_rotation_is_fair_and_persisted(self):
        assigned = []
        for _ in range(6):
            order = self._order(received_at="2020-01-01 08:00:00")  # in warranty, free
            order.action_dispatch()
            assigned.append(order.technician_id)
        self.assertEqual(assigned, [self.tech_1, self.tech_2, self.tech_3] * 2)
        self.assertEqual(self.team.member_ids.mapped("last_dispatch_turn"), [4, 5, 6])

    def test_skip_without_skill_or_busy_keeps_the_turn(self):
        first = self._order(received_at="2020-01-01 08:00:00")
        first.action_dispatch()
        self.assertEqual(first.technician_id, self.tech_1)
        # tech_2 lacks the electrical skill: skipped, tech_3 gets it
        electric = self._order(category_id=self.electrical.id, received_at="2020-01-01 08:00:00")
        electric.action_dispatch()
        self.assertEqual(electric.technician_id, self.tech_3)
        # tech_2 kept his turn: the next plumbing job is his
        nxt = self._order(received_at="2020-01-01 08:00:00")
        nxt.action_dispatch()
        self.assertEqual(nxt.technician_id, self.tech_2)
        # tech_1 is now on site: skipped, and keeps his turn for later
        first.with_user(self.tech_1).action_arrive()
        busy_case = self._order(received_at="2020-01-01 08:00:00")
        busy_case.action_dispatch()
        self.assertEqual(busy_case.technician_id, self.tech_3)
        first.with_user(self.tech_1).write({"customer_comment": "ok"})
        first.with_user(self.tech_1).action_done()
        again = self._order(received_at="2020-01-01 08:00:00")
        again.action_dispatch()
        self.assertEqual(again.technician_id, self.tech_1)

    def test_manual_assignment_and_nobody_free(self):
        order = self._order(received_at="2020-01-01 08:00:00", technician_id=self.tech_3.id)
        order.action_dispatch()
        self.assertEqual(order.technician_id, self.tech_3)
        self.assertFalse(any(self.team.member_ids.mapped("last_dispatch_turn")), "turns untouched")
        appliance = self.env.ref("cs_property.repair_category_appliance")
        with self.assertRefused(UserError, "no technician of"):
            self._order(category_id=appliance.id).action_dispatch()
        with self.assertRefused(UserError, "choose the team"):
            self._order(team_id=False).action_dispatch()

    def test_reschedule_with_reason(self):
        order = self._order(received_at="2020-01-01 08:00:00")
        order.action_dispatch()
        action = order.action_open_reschedule()
        wizard = Form(self.env["cs.property.repair.reschedule"].with_context(action["context"]))
        wizard.reason = "weather"
        wizard.appointment_start = Datetime.now() + timedelta(days=1)
        wizard.save().action_confirm()
        self.assertEqual(order.reschedule_count, 1)
        self.assertEqual(order.state, "dispatched")
        self.assertIn("Bad Weather", order.message_ids[0].body)
        with self.assertRefused(ValidationError, "must be in the future"):
            self.env["cs.property.repair.reschedule"].create(
                {
                    "repair_id": order.id,
                    "reason": "other",
                    "appointment_start": "2020-01-01 00:00:00",
                }
            )


class TestInvoicing(RepairCase):
    def test_invoice_amounts_payer_analytic_and_links(self):
        order = self._paid_done()
        # 80 + 1.5 * 60 = 170 untaxed, 6 % VAT = 10.20
        self.assertAlmostEqual(order.amount_untaxed, 170.0)
        self.assertAlmostEqual(order.amount_total, 180.2)
        action = order.action_create_invoice()
        invoice = order.invoice_id
        self.assertEqual((action["res_model"], action["res_id"]), ("account.move", invoice.id))
        self.assertEqual(invoice.property_repair_ids, order)
        self.assertEqual(invoice.move_type, "out_invoice")
        self.assertEqual(invoice.partner_id, self.owner)
        self.assertEqual(invoice.invoice_origin, order.name)
        self.assertAlmostEqual(invoice.amount_untaxed, 170.0)
        self.assertAlmostEqual(invoice.amount_tax, 10.2)
        self.assertAlmostEqual(invoice.amount_total, 180.2)
        analytic = self.estate_a.analytic_account_id
        self.assertTrue(analytic)
        for line in invoice.invoice_line_ids:
            self.assertEqual(line.analytic_distribution, {str(analytic.id): 100})
            self.assertEqual(line.tax_ids, self.tax)
        # payment status follows the invoice
        invoice = invoice.with_user(self.user_finance)
        invoice.action_post()
        self.assertEqual(order.payment_state, "not_paid")
        self.env["account.payment.register"].with_user(self.user_finance).with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({})._create_payments()
        self.assertIn(order.payment_state, ("paid", "in_payment"))
        action = invoice.action_view_property_repairs()
        self.assertEqual((action["res_model"], action["res_id"]), (order._name, order.id))

    def test_never_invoiced_twice(self):
        order = self._paid_done()
        order.action_create_invoice()
        with self.assertRefused(UserError, "already invoiced"):
            order.action_create_invoice()
        self.assertEqual(
            self.env["account.move"].search_count([("invoice_origin", "=", order.name)]), 1
        )
        with self.assertRefused(UserError, "is invoiced: its charges can no longer change"):
            order.line_ids[0].quantity = 5

    def test_developer_charge_back_invoice(self):
        order = self._order(received_at="2022-01-10 08:00:00", charge_to="developer")
        order.line_ids = [Command.create({"product_id": self.labour.id, "quantity": 2})]
        order.action_dispatch()
        order.action_arrive()
        order.write({"customer_comment": "ok"})
        order.action_done()
        order.with_user(self.user_finance).action_create_invoice()
        invoice = order.invoice_id
        self.assertEqual(invoice.partner_id, self.developer)
        self.assertAlmostEqual(invoice.amount_total, 127.2)

    def test_who_may_invoice(self):
        order = self._paid_done()
        with self.assertRefused(UserError, "can only be done by Customer Service Agent or Finance"):
            order.with_user(order.technician_id).action_create_invoice()
        free = self._order(received_at="2020-01-01 08:00:00")
        free.action_dispatch()
        free.action_arrive()
        free.write({"customer_comment": "ok"})
        free.action_done()
        with self.assertRefused(UserError, "only finished, charged orders"):
            free.action_create_invoice()

    def test_cancel_needs_a_credit_note(self):
        order = self._paid_done()
        order.action_create_invoice()
        invoice = order.invoice_id.with_user(self.user_finance)
        invoice.action_post()
        with self.assertRefused(UserError, "must issue a credit note"):
            order.action_cancel()
        invoice._reverse_moves(cancel=True)
        self.assertEqual(invoice.payment_state, "reversed")
        order.action_cancel()
        self.assertEqual(order.state, "cancelled")

    def test_cancel_with_draft_invoice_cancels_it(self):
        order = self._paid_done()
        order.action_create_invoice()
        invoice = order.invoice_id
        order.action_cancel()
        # the agent cannot read journal entries: checked as the superuser
        self.assertEqual(invoice.sudo().state, "cancel")

    def test_technicians_cannot_change_prices(self):
        order = self._order()
        order.action_consent_given()
        order.action_dispatch()
        tech = order.technician_id
        line = (
            self.env["cs.property.repair.line"]
            .with_user(tech)
            .create({"repair_id": order.id, "product_id": self.product.id, "quantity": 2})
        )
        self.assertEqual(line.price_unit, 80)
        with self.assertRefused(UserError, "Only customer service may change prices"):
            line.with_user(tech).price_unit = 10
        with self.assertRefused(UserError, "Only customer service may change prices"):
            self.env["cs.property.repair.line"].with_user(tech).create(
                {"repair_id": order.id, "product_id": self.product.id, "price_unit": 1}
            )
        line.with_user(self.user_agent).price_unit = 70
        self.assertEqual(line.price_unit, 70)

    def test_close_requires_invoice_and_callback(self):
        order = self._paid_done()
        self.assertTrue(order.callback_required, "paid orders are always called back")
        self.assertLessEqual(
            order.callback_due_date - order.finished_at, timedelta(hours=24, seconds=5)
        )
        with self.assertRefused(UserError, "requires a callback"):
            order.action_close()
        self.env["cs.property.callback"].create(
            {
                "res_model": order._name,
                "res_id": order.id,
                "partner_id": self.owner.id,
                "satisfaction": "very_satisfied",
            }
        )
        with self.assertRefused(UserError, "invoice the charges before closing"):
            order.action_close()
        order.action_create_invoice()
        order.action_close()
        self.assertEqual(order.state, "closed")


class TestRepairService(RepairCase):
    def test_execution_guards_and_kpis(self):
        with freeze_time("2026-03-02 01:00:00"):
            order = self._order(received_at="2026-03-02 01:00:00")
            order.action_consent_given()
            order.action_dispatch()
        with freeze_time("2026-03-02 01:20:00"):
            order.with_user(order.technician_id).action_arrive()
        with freeze_time("2026-03-02 03:00:00"):
            with self.assertRefused(UserError, "signature or comment"):
                order.with_user(order.technician_id).action_done()
            order.with_user(order.technician_id).customer_comment = "好"
            with self.assertRefused(UserError, "needs its labour and material lines"):
                order.with_user(order.technician_id).action_done()
            order.with_user(order.technician_id).write(
                {"line_ids": [Command.create({"product_id": self.product.id})]}
            )
            # the consent was given before any charge: the new charge needs it again
            with self.assertRefused(UserError, "above what the customer consented to"):
                order.with_user(order.technician_id).action_done()
            order.action_consent_given()
            order.with_user(order.technician_id).action_done()
        self.assertAlmostEqual(order.arrival_minutes, 20)
        self.assertAlmostEqual(order.completion_hours, 2)
        self.assertTrue(order.first_time_fix)
        with self.assertRefused(ValidationError, "labour hours cannot be negative"):
            order.labour_hours = -1
        with self.assertRefused(ValidationError, "end after it starts"):
            order.write(
                {
                    "appointment_start": "2026-03-03 08:00:00",
                    "appointment_end": "2026-03-03 07:00:00",
                }
            )

    def test_sla_by_urgency(self):
        emergency = self._order(urgency="emergency", received_at="2026-03-02 01:00:00")
        arrival = emergency.sla_line_ids.filtered(lambda ln: ln.name == "Arrival on site")
        self.assertEqual(arrival.policy_id, self.env.ref("cs_property.sla_policy_repair_emergency"))
        self.assertEqual(
            arrival.hours if hasattr(arrival, "hours") else arrival.target_id.hours, 0.25
        )
        normal = self._order(
            appointment_start="2026-03-03 02:00:00", received_at="2026-03-02 01:00:00"
        )
        line = normal.sla_line_ids.filtered(lambda ln: ln.name == "Arrival on site")
        self.assertEqual(
            line.date_start, datetime(2026, 3, 3, 2, 0), "counted from the appointment"
        )

    def test_repeat_fault_flag(self):
        with freeze_time("2026-03-02 02:00:00"):
            first = self._order(received_at="2020-01-01 08:00:00")
            first.action_dispatch()
            first.action_arrive()
            first.write({"customer_comment": "ok"})
            first.action_done()
        again = self._order(received_at="2026-03-20 08:00:00")
        self.assertTrue(again.is_repeat)
        later = self._order(received_at="2026-05-20 08:00:00")
        self.assertFalse(later.is_repeat, "outside the 30-day window")
        other = self._order(received_at="2026-03-20 08:00:00", category_id=self.electrical.id)
        self.assertFalse(other.is_repeat)

    def test_dissatisfied_callback_reopens(self):
        order = self._paid_done()
        self.env["cs.property.callback"].create(
            {
                "res_model": order._name,
                "res_id": order.id,
                "partner_id": self.owner.id,
                "satisfaction": "not_quite",
                "comment": "还在漏",
            }
        )
        self.assertEqual(order.state, "dispatched")
        self.assertFalse(order.first_time_fix)

    def test_numbers_gap_free_and_check(self):
        orders = self._order() | self._order() | self._order()
        numbers = [int(o.name[-6:]) for o in orders]
        self.assertEqual(numbers, [numbers[0], numbers[0] + 1, numbers[0] + 2])
        orders[1].action_cancel()
        prefix = orders[0].name[:-6]
        self._order(name=f"{prefix}{numbers[2] + 2:06d}")  # a hand-made number leaves a gap
        check = self.env["cs.property.repair.number.check"].with_user(self.user_agent).create({})
        self.assertIn(orders[1].name, check.cancelled_numbers)
        self.assertIn(f"{prefix}{numbers[2] + 1:06d}", check.missing_numbers)
        self.assertIn("1 missing numbers", check.summary)
        # a number received before the period is not a gap of the period
        self._order(
            name=f"{prefix}{numbers[2] + 3:06d}", received_at=Datetime.now() - timedelta(days=3)
        )
        self._order(name=f"{prefix}{numbers[2] + 4:06d}")
        check = self.env["cs.property.repair.number.check"].create({})
        self.assertNotIn(f"{prefix}{numbers[2] + 3:06d}", check.missing_numbers)
        self.assertIn(f"{prefix}{numbers[2] + 1:06d}", check.missing_numbers)
        with self.assertRefused(UserError, "cannot be deleted: cancel them"):
            orders[0].sudo().unlink()

    def test_access(self):
        mine = self._order(received_at="2020-01-01 08:00:00", technician_id=self.tech_1.id)
        mine.action_dispatch()
        other = self._order(received_at="2020-01-01 08:00:00", technician_id=self.tech_2.id)
        other.action_dispatch()
        elsewhere = self._order(
            user=self.user_manager,
            estate_id=self.estate_b.id,
            unit_id=self.unit_b101.id,
            team_id=False,
            received_at="2020-01-01 08:00:00",
        )
        ids = (mine | other | elsewhere).ids
        Repair = self.env["cs.property.repair"]
        self.assertEqual(Repair.with_user(self.tech_1).search([("id", "in", ids)]), mine)
        self.assertEqual(
            Repair.with_user(self.user_technician).search([("id", "in", ids)]),
            mine | other,
            "the team leader sees his team's orders",
        )
        self.assertEqual(
            Repair.with_user(self.user_agent).search([("id", "in", ids)]), mine | other
        )
        self.assertEqual(
            Repair.with_user(self.user_finance).search([("id", "in", ids)]),
            mine | other | elsewhere,
        )
        self.assertFalse(Repair.with_user(self.user_inspector).search([("id", "in", ids)]))
        with self.assertRaises(AccessError):
            other.with_user(self.tech_1).write({"work_done": "x"})
        with self.assertRaises(AccessError):
            self._order(user=self.tech_1)

    def test_four_copy_report_and_list_queries(self):
        order = self._paid_done()
        html, _ = self.env["ir.actions.report"]._render_qweb_html(
            "cs_property.report_repair", order.ids
        )
        html = html.decode()
        for label in (
            "Copy 1: Customer Service",
            "Copy 2: Finance",
            "Copy 3: Customer",
            "Copy 4: Service Department",
        ):
            self.assertIn(label, html)
        self.assertEqual(html.count(order.name), 4 + html.count(f"{order.name}</title>"))
        orders = self.env["cs.property.repair"].create(
            [
                {
                    "estate_id": self.estate_a.id,
                    "unit_id": self.unit_a101.id,
                    "partner_id": self.owner.id,
                    "category_id": self.plumbing.id,
                    "description": "x",
                    "received_at": "2020-01-01 08:00:00",
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
            "category_id",
            "urgency",
            "charge_to",
            "technician_id",
            "sla_deadline",
            "amount_total",
            "payment_state",
            "state",
            "sla_failed",
        ]
        self.assertListQueriesFlat(orders, fields_list, self.user_agent, 9)


class TestRepairScreens(RepairCase):
    def test_intake_form_fills_customer_and_quote(self):
        form = Form(self.env["cs.property.repair"].with_user(self.user_agent))
        form.estate_id = self.estate_a
        form.unit_id = self.unit_a101
        self.assertEqual(form.partner_id, self.owner, "the unit's primary contact")
        form.category_id = self.plumbing
        form.description = "漏水"
        self.assertEqual(form.charge_to, "customer")
        self.assertEqual(len(form.line_ids), 1, "the category's paid service is proposed")
        order = form.save()
        self.assertEqual(order.line_ids.product_id, self.product)
        self.assertEqual(order.phone, "13800000001")

    def test_category_refusal_and_invoice_button(self):
        with self.assertRefused(ValidationError, "warranty cannot be negative"):
            self.plumbing.warranty_months = -1
        order = self._paid_done()
        order.action_create_invoice()
        invoice = order.invoice_id
        action = order.action_view_invoice()
        self.assertEqual((action["res_model"], action["res_id"]), ("account.move", invoice.id))

    def test_sla_warning_and_escalation_reach_the_right_people(self):
        self.estate_a.manager_id = self.user_manager
        order = self._order(received_at="2020-01-01 08:00:00")
        order.action_dispatch()
        lines = order.sudo().sla_line_ids
        lines._sla_warn()
        warning = self.env.ref("mail.mail_activity_data_warning")
        warned = order.activity_ids.filtered(lambda a: a.activity_type_id == warning).user_id
        self.assertEqual(warned, order.technician_id | self.user_technician)
        lines._sla_escalate(1)
        self.assertTrue(all(ln.status == "failed" for ln in lines))
        lines._sla_escalate(2)
        self.assertIn(
            self.user_manager,
            order.activity_ids.filtered(lambda a: a.activity_type_id == warning).user_id,
        )


class TestRepairFromComplaintAndKpis(RepairCase):
    def test_complaint_raises_a_repair(self):
        complaint = (
            self.env["cs.property.complaint"]
            .with_user(self.user_agent)
            .create(
                {
                    "estate_id": self.estate_a.id,
                    "partner_id": self.owner.id,
                    "unit_id": self.unit_a101.id,
                    "complaint_type": "engineering",
                    "description": "<p>报修三次还在漏水</p>",
                }
            )
        )
        action = complaint.action_create_repair()
        form = Form(
            self.env["cs.property.repair"]
            .with_user(self.user_agent)
            .with_context(action["context"])
        )
        form.category_id = self.plumbing
        order = form.save()
        self.assertEqual(order.complaint_id, complaint)
        self.assertEqual(order.channel, "complaint")
        self.assertEqual(order.description, "报修三次还在漏水")
        self.assertEqual(complaint.repair_count, 1)
        action = complaint.action_view_repairs()
        self.assertEqual(self.env["cs.property.repair"].search(action["domain"]), order)

    def test_redispatch_and_kpis(self):
        order = self._order(received_at="2020-01-01 08:00:00")
        order.action_dispatch()
        first = order.technician_id
        order.action_redispatch()
        self.assertEqual(order.state, "new")
        self.assertFalse(order.technician_id)
        self.assertIn(first.name, order.message_ids[0].body)
        order.action_dispatch()
        self.assertNotEqual(order.technician_id, first, "the rotation moves on")
        with self.assertRefused(UserError, "is not possible now"):
            self._order().action_redispatch()
        paid = self._paid_done()
        self.assertEqual(paid.first_time_fix_rate, 100.0)
        self.env["cs.property.callback"].create(
            {
                "res_model": paid._name,
                "res_id": paid.id,
                "partner_id": self.owner.id,
                "satisfaction": "satisfied",
                "score_result": 4,
                "score_timeliness": 5,
                "score_attitude": 3,
            }
        )
        self.assertAlmostEqual(paid.satisfaction_score, 4.0)
