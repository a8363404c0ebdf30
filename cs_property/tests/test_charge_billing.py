from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tools import mute_logger

from .common import CsPropertyCase


class ChargeCase(CsPropertyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.tax = env["account.tax"].create(
            {"name": "VAT 6% property services", "amount": 6, "type_tax_use": "sale"}
        )
        cls.term_30 = env.ref("account.account_payment_term_30days")
        cls.estate_a.charge_payment_term_id = cls.term_30
        Item = env["cs.property.charge.item"]
        cls.fee = Item.create(
            {
                "estate_id": cls.estate_a.id,
                "name": "物业服务费",
                "basis": "gross_area",
                "unit_usage": "residential",
                "product_id": env.ref("cs_property.product_service_charge").id,
                "tax_ids": [Command.set(cls.tax.ids)],
                "price_ids": [Command.create({"date_from": "2020-01-01", "rate": 2.5})],
            }
        )
        cls.waste = Item.create(
            {
                "estate_id": cls.estate_a.id,
                "name": "垃圾费",
                "basis": "flat",
                "product_id": env.ref("cs_property.product_waste_charge").id,
                "price_ids": [Command.create({"date_from": "2020-01-01", "rate": 10})],
            }
        )
        cls.income = env["account.account"].create(
            {"name": "Parking income", "code": "700900", "account_type": "income"}
        )
        cls.parking = Item.create(
            {
                "estate_id": cls.estate_a.id,
                "name": "车位管理费",
                "basis": "flat",
                "unit_usage": "parking",
                "account_id": cls.income.id,
                "product_id": env.ref("cs_property.product_parking_charge").id,
                "price_ids": [Command.create({"date_from": "2020-01-01", "rate": 150})],
            }
        )
        # a101 owner, a102 let to a tenant who pays, 2栋 has no completion date
        cls._occupy(cls.unit_a101, cls.owner)
        cls._occupy(cls.unit_a102, cls.owner_2)
        cls._occupy(cls.unit_a102, cls.tenant, role="tenant", pays_charges=True)

    def _run(self, start="2026-01-01", period="month", user=None, **vals):
        run = (
            self.env["cs.property.billing.run"]
            .with_user(user or self.user_finance)
            .create(
                {
                    "estate_ids": [Command.set(self.estate_a.ids)],
                    "period_type": period,
                    "date_start": start,
                    "invoice_date": start,
                    **vals,
                }
            )
        )
        run.action_preview()
        return run

    def _bill(self, **kw):
        run = self._run(**kw)
        run.action_confirm()
        return run

    def _invoice_of(self, partner, run):
        return (
            self.env["cs.property.billing.line"]
            .search([("run_id", "=", run.id), ("partner_id", "=", partner.id)])
            .move_id
        )

    def _line(self, move, unit, item):
        return move.invoice_line_ids.filtered(
            lambda ln: ln.cs_unit_id == unit and ln.cs_charge_item_id == item
        )


class TestBilling(ChargeCase):
    def test_month_invoice_to_the_cent(self):
        run = self._bill()
        self.assertEqual(run.state, "done")
        self.assertEqual(run.progress, 100.0)
        invoice = self._invoice_of(self.owner, run)
        self.assertEqual(len(invoice), 1)
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.move_type, "out_invoice")
        fee = self._line(invoice, self.unit_a101, self.fee)
        self.assertEqual((fee.quantity, fee.price_unit), (89.5, 2.5))
        self.assertIn("2026-01", fee.name)
        # 89.5 m² × 2.50 = 223.75 + 10.00 waste; 6 % VAT on the fee = 13.43
        self.assertAlmostEqual(invoice.amount_untaxed, 233.75)
        self.assertAlmostEqual(invoice.amount_tax, 13.43)
        self.assertAlmostEqual(invoice.amount_total, 247.18)
        self.assertEqual(str(invoice.invoice_date_due), "2026-01-31")
        analytic = self.estate_a.analytic_account_id
        self.assertTrue(analytic)
        product_lines = invoice.line_ids.filtered(lambda ln: ln.display_type == "product")
        for line in product_lines:
            self.assertEqual(line.analytic_distribution, {str(analytic.id): 100})
            self.assertEqual(line.partner_id, self.owner)
        self.assertAlmostEqual(fee.credit, 223.75)
        self.assertEqual(fee.tax_ids, self.tax)
        receivable = invoice.line_ids.filtered(
            lambda ln: ln.account_id.account_type == "asset_receivable"
        )
        self.assertAlmostEqual(receivable.debit, 247.18)
        self.assertEqual(receivable.partner_id, self.owner)
        tax_line = invoice.line_ids.filtered(lambda ln: ln.display_type == "tax")
        self.assertAlmostEqual(tax_line.credit, 13.43)
        # the lead tenant pays unit 102
        tenant_invoice = self._invoice_of(self.tenant, run)
        self.assertAlmostEqual(tenant_invoice.amount_untaxed, 112.3 * 2.5 + 10)
        self.assertFalse(self._invoice_of(self.owner_2, run))

    def test_payer_rules_and_exceptions(self):
        unsold = self._unit(self.building_a1, "103", 1, 100.0)
        self.building_a1.developer_id = self.developer
        self.assertEqual(unsold.state, "unsold")
        self.assertEqual(str(unsold.charge_start_date), "2021-03-15")
        no_payer = self._unit(
            self.building_a2, "202", 2, 80.0, state="vacant", handover_date="2025-05-01"
        )
        run = self._run()
        self.assertEqual(run.exception_count, 2)
        self.assertEqual(run.exception_line_ids.unit_id, no_payer)
        self.assertIn("No payer", run.exception_line_ids[0].exception)
        self.assertEqual(run.payer_count, 3)
        run.action_confirm()
        invoice = self._invoice_of(self.developer, run)
        self.assertAlmostEqual(invoice.amount_untaxed, 260.0)
        self.assertFalse(
            self.env["cs.property.billing.line"].search([("unit_id", "=", no_payer.id)])
        )
        # the unit 201 of an unfinished building without handover is not charged yet
        self.assertFalse(self.unit_a201.charge_start_date)

    def test_pro_rata_first_month_and_parking(self):
        self.unit_a201.handover_date = "2026-01-10"
        self._occupy(self.unit_a201, self.owner_2, start="2026-01-10")
        self.building_a2.basement_count = 1
        space = self._unit(
            self.building_a2, "P-01", -1, 12.5, usage="parking", handover_date="2025-01-01"
        )
        self._occupy(space, self.owner_2, start="2025-01-01")
        run = self._bill()
        invoice = self._invoice_of(self.owner_2, run)
        fee = self._line(invoice, self.unit_a201, self.fee)
        # 22 of 31 days: 95 m² × 2.50 × 22 / 31 = 168.548… rounded once → 168.55
        self.assertEqual((fee.quantity, fee.price_unit), (1.0, 168.55))
        self.assertAlmostEqual(fee.price_subtotal, 168.55)
        self.assertIn("95 m² × $2.50 × 22/31 days", fee.name)
        waste = self._line(invoice, self.unit_a201, self.waste)
        self.assertAlmostEqual(waste.price_subtotal, 7.10)
        parking = self._line(invoice, space, self.parking)
        self.assertAlmostEqual(parking.price_subtotal, 150.0)
        self.assertEqual(parking.account_id, self.income)
        self.assertFalse(self._line(invoice, space, self.fee))
        # the last month pro-rates as well
        self.unit_a101.charge_end_date = "2026-02-14"
        run = self._bill(start="2026-02-01")
        fee = self._line(self._invoice_of(self.owner, run), self.unit_a101, self.fee)
        # 89.5 m² × 2.50 × 14 / 28 = 111.875 → 111.88 (half up, once)
        self.assertEqual((fee.quantity, fee.price_unit), (1.0, 111.88))
        self.assertIn("89.5 m² × $2.50 × 14/28 days", fee.name)

    def test_price_change_mid_quarter(self):
        self.fee.price_ids = [Command.create({"date_from": "2026-02-16", "rate": 3.0})]
        run = self._bill(period="quarter")
        self.assertEqual(str(run.date_end), "2026-03-31")
        fee = self._line(self._invoice_of(self.owner, run), self.unit_a101, self.fee)
        # 89.5 m² × (Jan 2.50 + Feb (15 × 2.50 + 13 × 3.00) / 28 + Mar 3.00)
        # = 89.5 × 8.232142… = 736.776… → 736.78 (was 8.23 × 89.5 = 736.59)
        self.assertEqual((fee.quantity, fee.price_unit), (1.0, 736.78))
        self.assertAlmostEqual(fee.price_subtotal, 736.78)
        self.assertIn(
            "89.5 m² × ($2.50 + $2.50 × 15/28 days + $3.00 × 13/28 days + $3.00)", fee.name
        )
        self.assertIn("2026-01~2026-03", fee.name)
        self.assertEqual(
            self.env["cs.property.billing.line"].search_count(
                [("unit_id", "=", self.unit_a101.id), ("item_id", "=", self.fee.id)]
            ),
            3,
        )
        self.assertEqual(self.fee.with_context(date="2026-03-01").current_rate, 3.0)

    def test_exemption_and_special_rate(self):
        Exemption = self.env["cs.property.charge.exemption"]
        Exemption.create(
            {
                "unit_id": self.unit_a101.id,
                "item_id": self.fee.id,
                "exemption_type": "exempt",
                "reason": "Water damage, office decision",
                "date_start": "2026-01-01",
                "date_end": "2026-01-15",
            }
        )
        Exemption.create(
            {
                "unit_id": self.unit_a102.id,
                "item_id": self.fee.id,
                "exemption_type": "rate",
                "rate": 2.0,
                "reason": "Pre-sale promise",
                "date_start": "2025-01-01",
            }
        )
        with self.assertRefused(Exception, "needs an end date"):
            Exemption.create(
                {"unit_id": self.unit_a101.id, "reason": "x", "date_start": "2026-01-01"}
            )
        run = self._bill()
        fee = self._line(self._invoice_of(self.owner, run), self.unit_a101, self.fee)
        # 16 of 31 days charged: 89.5 × 2.50 × 16 / 31 = 115.483… → 115.48
        self.assertEqual((fee.quantity, fee.price_unit), (1.0, 115.48))
        self.assertAlmostEqual(fee.price_subtotal, 115.48)
        self.assertIn("89.5 m² × $2.50 × 16/31 days", fee.name)
        special = self._line(self._invoice_of(self.tenant, run), self.unit_a102, self.fee)
        self.assertAlmostEqual(special.price_subtotal, 224.6)

    def test_reset_and_guards(self):
        run = self._run()
        self.assertTrue(run.line_ids)
        self.assertTrue(run.action_reset())
        self.assertEqual(run.state, "draft")
        self.assertFalse(run.line_ids)
        with self.assertRefused(UserError, "Preview billing run"):
            run.action_confirm()
        run.action_preview()
        run.action_confirm()
        with self.assertRefused(UserError, "cannot be previewed again"):
            run.action_preview()
        self.assertEqual(run.name, "2026-01 Month")


class TestNeverTwice(ChargeCase):
    def test_rerun_bills_only_what_was_missed(self):
        first = self._bill(period="quarter")
        invoices = self.env["account.move"].search_count([("move_type", "=", "out_invoice")])
        second = self._run(period="quarter")
        self.assertEqual(second.payer_count, 0)
        self.assertEqual(second.already_billed_count, 12)
        self.assertEqual(second.already_billed_run_ids, first)
        with self.assertRefused(UserError, r"nothing to bill: its 12 unit-months are already"):
            second.action_confirm()
        self.assertEqual(second.state, "previewed")
        self.assertEqual(
            self.env["account.move"].search_count([("move_type", "=", "out_invoice")]), invoices
        )
        # a new owner file makes a forgotten unit billable: only it is billed
        self.unit_a201.handover_date = "2026-01-01"
        self._occupy(self.unit_a201, self.owner_2, start="2026-01-01")
        third = self._bill(start="2026-02-01")
        self.assertEqual(third.payer_count, 1)
        lines = self.env["cs.property.billing.line"].search([("run_id", "=", third.id)])
        self.assertEqual(lines.unit_id, self.unit_a201)
        self.assertTrue(first.invoice_count)

    def test_two_runs_at_once(self):
        one = self._run()
        two = self._run()
        one.action_confirm()
        two.action_confirm()
        self.assertEqual(two.invoice_count, 0)
        self.assertEqual(
            self.env["cs.property.billing.line"].search_count(
                [("month", "=", "2026-01-01"), ("estate_id", "=", self.estate_a.id)]
            ),
            4,
        )

    def test_database_key(self):
        run = self._bill()
        line = self.env["cs.property.billing.line"].search([("run_id", "=", run.id)], limit=1)
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            line.copy()
            self.env.flush_all()

    def test_credit_note_releases_the_month(self):
        run = self._bill()
        invoice = self._invoice_of(self.owner, run)
        reversal = (
            self.env["account.move.reversal"]
            .with_user(self.user_finance)
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id, "reason": "wrong area"})
        )
        reversal.refund_moves()
        credit = invoice.reversal_move_ids
        self.assertTrue(credit)
        credit.with_user(self.user_finance).action_post()
        released = self.env["cs.property.billing.line"].search([("move_id", "=", invoice.id)])
        self.assertTrue(all(released.mapped("released")))
        self.assertEqual(released.released_move_id, credit)
        self.unit_a101.gross_area = 90.0
        again = self._bill()
        new_invoice = self._invoice_of(self.owner, again)
        self.assertAlmostEqual(
            self._line(new_invoice, self.unit_a101, self.fee).price_subtotal, 225.0
        )
        self.assertEqual(again.payer_count, 1)

    def test_batches_and_progress(self):
        run = self._run(batch_size=1)
        self.assertEqual(run.payer_total, 2)
        run.action_confirm()  # more payers than a batch: the cron bills them
        self.assertEqual(run.state, "running")
        self.env["cs.property.billing.run"]._cron_process_runs()
        self.assertEqual(run.state, "done")
        self.assertEqual(run.payer_done, 2)
        self.assertEqual(run.invoice_count, 2)
        action = run.action_view_invoices()
        self.assertEqual(len(self.env["account.move"].search(action["domain"])), 2)


class TestBillingAccess(ChargeCase):
    def test_only_finance_bills(self):
        with self.assertRaises(AccessError):
            self.env["cs.property.billing.run"].with_user(self.user_agent).create(
                {"estate_ids": [Command.set(self.estate_a.ids)]}
            )
        with self.assertRaises(AccessError):
            self.env["cs.property.billing.run"].with_user(self.user_manager).create(
                {"estate_ids": [Command.set(self.estate_a.ids)]}
            )

    def test_manager_reads_but_cannot_bill(self):
        run = self._run()
        with self.assertRefused(UserError, "Only finance"):
            run.with_user(self.user_manager).action_confirm()

    def test_agent_sees_billed_months_of_own_estate(self):
        self._bill()
        lines = self.env["cs.property.billing.line"].with_user(self.user_agent).search([])
        self.assertTrue(lines)
        self.assertEqual(lines.estate_id, self.estate_a)
        with self.assertRaises(AccessError):
            lines[0].with_user(self.user_agent).write({"released": True})
        self.assertFalse(
            self.env["cs.property.billing.line"].with_user(self.user_manager_2).search([])
        )

    def test_multi_company(self):
        item_c = self.env["cs.property.charge.item"].create(
            {
                "estate_id": self.estate_c.id,
                "name": "物业服务费",
                "product_id": self.env.ref("cs_property.product_service_charge").id,
            }
        )
        line_c = self.env["cs.property.billing.line"].create(
            {
                "unit_id": self.unit_c101.id,
                "item_id": item_c.id,
                "estate_id": self.estate_c.id,
                "month": "2026-01-01",
                "partner_id": self.owner.id,
            }
        )
        Line = self.env["cs.property.billing.line"]
        self.assertNotIn(line_c, Line.with_user(self.user_finance).search([]))
        self.assertEqual(Line.with_user(self.user_manager_2).search([]), line_c)
        self.assertFalse(
            self.env["cs.property.charge.item"]
            .with_user(self.user_finance)
            .search([("id", "=", item_c.id)])
        )
        run = self._run()
        self.assertNotIn(self.unit_c101, run.line_ids.unit_id)
