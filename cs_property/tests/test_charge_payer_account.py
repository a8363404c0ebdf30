from datetime import date

from .test_charge_exact import ExactCase


class TestPayerAccount(ExactCase):
    def _advance(self, amount, when):
        bank = self.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", self.env.company.id)], limit=1
        )
        payment = (
            self.env["account.payment"]
            .with_user(self.user_finance)
            .create(
                {
                    "payment_type": "inbound",
                    "partner_type": "customer",
                    "partner_id": self.owner.id,
                    "amount": amount,
                    "journal_id": bank.id,
                    "date": when,
                }
            )
        )
        payment.action_post()
        return payment

    def test_advance_paid_oldest_first_and_statements(self):
        december = self._invoice_of(self.owner, self._bill(start="2025-12-01"))
        # 101: 89.5 × 3.02 = 270.29 + 6 % 16.22 + waste 10; 105: 89.57 × 3.02 = 270.50
        # + 16.23 + 10
        self.assertAlmostEqual(december.amount_total, 593.24)
        # 预收: 1,000 paid on account before the January bill, matched to no invoice
        payment = self._advance(1000.0, "2025-12-20")
        self.assertAlmostEqual(december.amount_residual, 593.24)
        credit = payment.move_id.line_ids.filtered(
            lambda ln: ln.account_id.account_type == "asset_receivable"
        )
        self.assertEqual((credit.credit, credit.partner_id), (1000.0, self.owner))
        self.assertAlmostEqual(credit.amount_residual, -1000.0)
        # the January bill takes it: December first (oldest), the rest on January
        january = self._invoice_of(self.owner, self._bill())
        self.assertAlmostEqual(january.amount_total, 591.03)
        self.assertAlmostEqual(december.amount_residual, 0.0)
        self.assertAlmostEqual(january.amount_residual, 184.27)  # 591.03 − 406.76
        self.assertTrue(credit.reconciled)
        receivable = january.line_ids.filtered(
            lambda ln: ln.account_id.account_type == "asset_receivable"
        )
        self.assertEqual((receivable.debit, receivable.partner_id), (591.03, self.owner))
        self.assertAlmostEqual(receivable.amount_residual, 184.27)

        # the statement of each unit for the payer, to the cent
        year = (date(2026, 1, 1), date(2026, 12, 31))
        x = self.unit_x._charge_statement(self.owner, *year)
        self.assertEqual(x["opening"], 0.0)  # December billed 296.73 and paid 296.73
        self.assertEqual(
            [(r["kind"], r["amount"], r["balance"]) for r in x["rows"]],
            [("bill", 295.62, 295.62), ("payment", -203.45, 92.17)],
        )
        self.assertEqual(x["closing"], 92.17)
        a101 = self.unit_a101._charge_statement(self.owner, *year)
        self.assertEqual(
            [(r["kind"], r["amount"]) for r in a101["rows"]],
            [("bill", 295.41), ("payment", -203.31)],
        )
        self.assertEqual(a101["closing"], 92.10)
        # the units' statements add up to what the payer owes
        self.assertAlmostEqual(x["closing"] + a101["closing"], january.amount_residual)
        december_only = self.unit_x._charge_statement(
            self.owner, date(2025, 12, 1), date(2025, 12, 31)
        )
        self.assertEqual(
            [(r["kind"], r["amount"], r["balance"]) for r in december_only["rows"]],
            [("bill", 296.73, 296.73), ("payment", -296.73, 0.0)],
        )
        # printed for the unit's payer, this year to date
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("cs_property.report_payer_statement", self.unit_x.ids)[0]
            .decode()
        )
        self.assertIn("Payer Statement", html)
        self.assertIn(self.owner.name, html)
        self.assertIn("Opening balance", html)
