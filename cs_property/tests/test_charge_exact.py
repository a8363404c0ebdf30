from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import new_test_user

from .test_charge_billing import ChargeCase


class ExactCase(ChargeCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the unit: 89.57 m², the price goes from 3.02 to 3.00 on 14 January
        cls.unit_x = cls._unit(cls.building_a1, "105", 1, 89.57, handover_date="2025-06-01")
        cls._occupy(cls.unit_x, cls.owner, start="2025-06-01")
        cls.fee.price_ids = [
            Command.create({"date_from": "2025-12-01", "rate": 3.02}),
            Command.create({"date_from": "2026-01-14", "rate": 3.00}),
        ]
        cls.analytic = {str(cls.estate_a._analytic_account().id): 100}


class TestExactCharges(ExactCase):
    def test_rate_change_mid_month_to_the_cent(self):
        run = self._bill()
        invoice = self._invoice_of(self.owner, run)
        line = self._line(invoice, self.unit_x, self.fee)
        # 89.57 × (3.02 × 13 + 3.00 × 18) / 31 = 8,353.2982 / 31 = 269.4612… → 269.46,
        # once; rounding rate × months first billed round(3.0084, 2) = 3.01 × 89.57 = 269.61
        self.assertEqual((line.quantity, line.price_unit), (1.0, 269.46))
        self.assertIn(
            "1栋-105 2026-01\n89.57 m² × ($3.02 × 13/31 days + $3.00 × 18/31 days)", line.name
        )
        self.assertEqual((line.debit, line.credit), (0.0, 269.46))
        self.assertEqual(
            line.account_id, self.fee.product_id.property_account_income_id or line.account_id
        )
        self.assertEqual(line.account_id.account_type, "income")
        self.assertEqual(line.partner_id, self.owner)
        self.assertEqual(line.analytic_distribution, self.analytic)
        self.assertEqual(line.tax_ids, self.tax)
        # the same calculation for 101 (89.5 m²): 89.5 × 93.26 / 31 = 269.2545… → 269.25
        line_101 = self._line(invoice, self.unit_a101, self.fee)
        self.assertEqual((line_101.quantity, line_101.price_unit), (1.0, 269.25))
        # a whole month at one rate keeps area × rate
        run = self._bill(start="2026-02-01")
        feb = self._line(self._invoice_of(self.owner, run), self.unit_x, self.fee)
        self.assertEqual((feb.quantity, feb.price_unit, feb.credit), (89.57, 3.0, 268.71))
        self.assertIn("89.57 m² × $3.00", feb.name)

    def test_two_unit_invoice_equals_its_notices(self):
        run = self._bill()
        invoice = self._invoice_of(self.owner, run)
        self.assertEqual(invoice.invoice_line_ids.cs_unit_id, self.unit_a101 | self.unit_x)
        # lines: fee 269.25 + 269.46, waste 10 + 10
        self.assertAlmostEqual(invoice.amount_untaxed, 558.71)
        self.assertAlmostEqual(sum(invoice.invoice_line_ids.mapped("price_subtotal")), 558.71)
        # 6 % of 538.71 = 32.3226 → 32.32 (each line alone: 16.16 + 16.17 = 32.33)
        self.assertAlmostEqual(invoice.amount_tax, 32.32)
        self.assertAlmostEqual(invoice.amount_total, 591.03)
        receivable = invoice.line_ids.filtered(
            lambda ln: ln.account_id.account_type == "asset_receivable"
        )
        self.assertEqual((receivable.debit, receivable.partner_id), (591.03, self.owner))
        tax_line = invoice.line_ids.filtered(lambda ln: ln.display_type == "tax")
        self.assertEqual(tax_line.credit, 32.32)
        notices = [u._payment_notice_data() for u in (self.unit_a101, self.unit_x)]
        for notice in notices:
            self.assertEqual(notice["move"], invoice)
        self.assertEqual(
            round(sum(n["current_total"] for n in notices), 2), round(invoice.amount_total, 2)
        )
        self.assertEqual(sorted(round(n["current_total"], 2) for n in notices), [295.41, 295.62])
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("cs_property.report_payment_notice", self.unit_x.ids)[0]
            .decode()
        )
        self.assertIn("89.57 m² × ($3.02 × 13/31 days + $3.00 × 18/31 days)", html)

    def test_refusals(self):
        with self.assertRefused(ValidationError, "zero bills nothing"):
            self.fee.price_ids = [Command.create({"date_from": "2026-03-01", "rate": 0})]
        self.assertEqual(len(self.fee.price_ids), 3)
        Exemption = self.env["cs.property.charge.exemption"]
        special = Exemption.create(
            {
                "unit_id": self.unit_x.id,
                "item_id": self.fee.id,
                "exemption_type": "rate",
                "rate": 2.0,
                "reason": "Pre-sale promise",
                "date_start": "2026-01-01",
                "date_end": "2026-06-30",
            }
        )
        for vals in (
            {"item_id": self.fee.id, "exemption_type": "rate", "rate": 1.0},
            {"item_id": False, "date_start": "2026-01-15", "date_end": "2026-01-31"},
        ):
            with self.assertRefused(ValidationError, "overlaps “Pre-sale promise”"):
                Exemption.create(
                    {
                        "unit_id": self.unit_x.id,
                        "reason": "Second deal",
                        "date_start": "2026-06-01",
                        "date_end": "2026-07-31",
                        **vals,
                    }
                )
        # the day after is fine, and another item too
        Exemption.create(
            {
                "unit_id": self.unit_x.id,
                "item_id": self.fee.id,
                "reason": "Water damage",
                "date_start": "2026-07-01",
                "date_end": "2026-07-15",
            }
        )
        Exemption.create(
            {
                "unit_id": self.unit_x.id,
                "item_id": self.waste.id,
                "reason": "No bins yet",
                "date_start": "2026-01-01",
                "date_end": "2026-01-31",
            }
        )
        self.assertEqual(Exemption.search_count([("unit_id", "=", self.unit_x.id)]), 3)
        self.assertTrue(special.active)
        with self.assertRefused(ValidationError, "cannot end .* before they start"):
            self.unit_x.charge_end_date = "2025-05-31"
        self.assertFalse(self.unit_x.charge_end_date)
        # a run that finds no unit says so
        empty = self.env["cs.property.building"].create(
            {"name": "9栋", "estate_id": self.estate_a.id}
        )
        run = (
            self.env["cs.property.billing.run"]
            .with_user(self.user_finance)
            .create(
                {
                    "estate_ids": [Command.set(self.estate_a.ids)],
                    "building_ids": [Command.set(empty.ids)],
                    "date_start": "2026-01-01",
                }
            )
        )
        with self.assertRefused(UserError, "finds no unit"):
            run.action_preview()
        self.assertEqual(run.state, "draft")


class TestCreditNoteModes(ExactCase):
    def _reverse(self, invoice, modify):
        wizard = (
            self.env["account.move.reversal"]
            .with_user(self.user_finance)
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id, "reason": "wrong area"})
        )
        return wizard.modify_moves() if modify else wizard.refund_moves()

    def _billed(self, unit, month="2026-01-01"):
        return self.env["cs.property.billing.line"].search(
            [("unit_id", "=", unit.id), ("month", "=", month), ("released", "=", False)]
        )

    def test_reverse_and_create_keeps_the_months(self):
        first = self._bill()
        invoice = self._invoice_of(self.owner, first)
        action = self._reverse(invoice, modify=True)
        new = self.env["account.move"].browse(action["res_id"])
        credit = invoice.reversal_move_ids
        self.assertEqual(
            (credit.state, new.state, invoice.payment_state), ("posted", "draft", "reversed")
        )
        # the new draft holds the months: a later run does not bill them again
        claims = self._billed(self.unit_x)
        self.assertEqual(claims.move_id, new)
        self.assertEqual(
            claims.move_line_id,
            self._line(new, self.unit_x, self.fee) | self._line(new, self.unit_x, self.waste),
        )
        again = self._run()
        self.assertEqual(again.payer_total, 0)
        # 101 fee + waste, 105 fee + waste, 102 fee + waste
        self.assertEqual(again.already_billed_count, 6)
        self.assertEqual(again.already_billed_run_ids, first)
        with self.assertRefused(UserError, "already billed by run"):
            again.action_confirm()
        # finance corrects and posts the new invoice: the same amounts, to the cent
        new.with_user(self.user_finance).action_post()
        line = self._line(new, self.unit_x, self.fee)
        self.assertEqual((line.quantity, line.price_unit, line.credit), (1.0, 269.46, 0.0 + 269.46))
        self.assertEqual((line.partner_id, line.analytic_distribution), (self.owner, self.analytic))
        self.assertAlmostEqual(new.amount_total, 591.03)
        self.assertEqual(self._billed(self.unit_x).move_id, new)
        # …and cancelling the new one would free them (the bill is gone)
        new.with_user(self.user_finance).button_draft()
        new.with_user(self.user_finance).button_cancel()
        self.assertFalse(self._billed(self.unit_x))

    def test_full_credit_note_frees_the_months_once(self):
        first = self._bill()
        invoice = self._invoice_of(self.owner, first)
        self._reverse(invoice, modify=False)
        credit = invoice.reversal_move_ids
        self.assertEqual(credit.state, "draft")
        self.assertTrue(self._billed(self.unit_x))  # a draft credit note frees nothing
        credit.with_user(self.user_finance).action_post()
        fee_credit = self._line(credit, self.unit_x, self.fee)
        self.assertEqual((fee_credit.debit, fee_credit.credit), (269.46, 0.0))
        self.assertEqual(fee_credit.analytic_distribution, self.analytic)
        self.assertFalse(self._billed(self.unit_x))
        second = self._bill()
        rebilled = self._invoice_of(self.owner, second)
        self.assertAlmostEqual(rebilled.amount_total, 591.03)
        self.assertEqual(self._billed(self.unit_x).move_id, rebilled)
        third = self._run()
        with self.assertRefused(UserError, "already billed by run"):
            third.action_confirm()


class TestPricesStayInTheirEstate(ExactCase):
    def test_price_versions_follow_the_item_estate(self):

        agent_b = new_test_user(
            self.env, login="agent_b", groups="base.group_user,cs_property.group_property_agent"
        )
        self.estate_b.user_ids = [Command.link(agent_b.id)]
        Price = self.env["cs.property.charge.price"]
        domain = [("item_id", "=", self.fee.id)]
        self.assertFalse(Price.with_user(agent_b).search(domain))
        self.assertFalse(
            Price.with_user(agent_b).search_read([("estate_id", "=", self.estate_a.id)], ["rate"])
        )
        self.assertEqual(len(Price.with_user(self.user_agent).search(domain)), 3)
        self.assertEqual(len(Price.with_user(self.user_manager).search(domain)), 3)
        self.assertEqual(len(Price.with_user(self.user_finance).search(domain)), 3)
