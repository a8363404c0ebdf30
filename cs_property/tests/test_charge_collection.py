from .test_charge_arrears import ArrearsCase


class TestCollection(ArrearsCase):
    def _pay_on(self, invoice, date):
        self.env["account.payment.register"].with_user(self.user_finance).with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"payment_date": date})._create_payments()

    def test_month_and_cumulative_rates(self):
        jan = self._bill(start="2026-01-01")
        feb = self._bill(start="2026-02-01")
        jan_owner = self._invoice_of(self.owner, jan)
        feb_tenant = self._invoice_of(self.tenant, feb)
        jan_total = sum(self._invoice_of(p, jan).amount_total for p in (self.owner, self.tenant))
        feb_total = sum(self._invoice_of(p, feb).amount_total for p in (self.owner, self.tenant))
        self._pay_on(jan_owner, "2026-02-10")
        self._pay_on(feb_tenant, "2026-02-15")
        Collection = self.env["cs.property.charge.collection"]
        rows = {str(r.month): r for r in Collection.search([("estate_id", "=", self.estate_a.id)])}
        self.assertEqual(set(rows), {"2026-01-01", "2026-02-01"})
        jan_row, feb_row = rows["2026-01-01"], rows["2026-02-01"]
        self.assertAlmostEqual(jan_row.billed, jan_total)
        self.assertAlmostEqual(jan_row.paid_of_billed, jan_owner.amount_total)
        self.assertAlmostEqual(jan_row.collected, 0.0)
        self.assertAlmostEqual(
            jan_row.rate_month, round(100 * jan_owner.amount_total / jan_total, 2)
        )
        self.assertAlmostEqual(feb_row.collected, jan_owner.amount_total + feb_tenant.amount_total)
        self.assertAlmostEqual(feb_row.cum_billed, jan_total + feb_total)
        self.assertAlmostEqual(
            feb_row.rate_cumulative,
            round(
                100 * (jan_owner.amount_total + feb_tenant.amount_total) / (jan_total + feb_total),
                2,
            ),
        )
        # agents read their estate's figures, not another company's
        self.assertTrue(Collection.with_user(self.user_agent).search([]))
        self.assertFalse(Collection.with_user(self.user_manager_2).search([]))
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("cs_property.report_charge_collection", Collection.search([]).ids)[0]
            .decode()
        )
        self.assertIn("2026-02", html)

    def test_credit_note_reduces_billed(self):
        jan = self._bill(start="2026-01-01")
        invoice = self._invoice_of(self.owner, jan)
        reversal = (
            self.env["account.move.reversal"]
            .with_user(self.user_finance)
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create(
                {"journal_id": invoice.journal_id.id, "reason": "exempted", "date": "2026-01-20"}
            )
        )
        reversal.refund_moves()
        invoice.reversal_move_ids.action_post()
        row = self.env["cs.property.charge.collection"].search(
            [("estate_id", "=", self.estate_a.id), ("month", "=", "2026-01-01")]
        )
        tenant_total = self._invoice_of(self.tenant, jan).amount_total
        self.assertAlmostEqual(row.billed, tenant_total)
