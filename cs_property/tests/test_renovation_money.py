from odoo import Command
from odoo.exceptions import UserError

from .renovation_common import RenovationCase


class TestRenovationMoney(RenovationCase):
    def test_deposit_account_per_company(self):
        account = self.company._cs_renovation_deposit_account()
        self.assertEqual(account.account_type, "liability_current")
        self.assertTrue(account.reconcile)
        self.assertEqual(self.company._cs_renovation_deposit_account(), account)
        self.assertEqual(self.estate_a._renovation_deposit_account(), account)
        other = account.copy({"code": "224199", "name": "Estate A deposits"})
        self.estate_a.renovation_deposit_account_id = other
        self.assertEqual(self.estate_a._renovation_deposit_account(), other)

    def test_fee_invoice_to_the_cent(self):
        reno = self._approved(scope_ids=[Command.set((self.scope_finish | self.scope_walls).ids)])
        # 5 x 89.5 m² = 447.50; debris 300; 3 passes x 10 = 30
        self.assertAlmostEqual(reno.fee_total, 777.5, places=2)
        self.assertAlmostEqual(reno.deposit_required, 3000.0, places=2)
        action = reno.action_create_fee_invoice()
        invoice = reno.fee_invoice_id
        self.assertEqual(action["res_id"], invoice.id)
        self.assertEqual(invoice.move_type, "out_invoice")
        self.assertEqual(invoice.partner_id, self.owner)
        self.assertEqual(invoice.invoice_origin, reno.name)
        analytic = {str(self.estate_a.analytic_account_id.id): 100}
        amounts = sorted(
            (ln.quantity, ln.price_unit, ln.price_subtotal) for ln in invoice.invoice_line_ids
        )
        self.assertEqual(amounts, [(1.0, 300.0, 300.0), (1.0, 447.5, 447.5), (3.0, 10.0, 30.0)])
        for line in invoice.invoice_line_ids:
            self.assertEqual(line.analytic_distribution, analytic)
        with self.assertRefused(UserError, "already invoiced"):
            reno.action_create_fee_invoice()
        with self.assertRefused(UserError, "can only be done by Customer Service Agent or Finance"):
            reno.with_user(self.user_technician).action_create_fee_invoice()

    def test_agents_do_not_post_deposit_entries(self):
        reno = self._approved()
        with self.assertRefused(UserError, "can only be done by Finance"):
            reno.action_open_deposit_wizard()
        with self.assertRefused(UserError, "confirmed by finance"):
            reno._deposit_receive(self.bank, 2000)
        action = reno.with_user(self.user_finance).action_open_deposit_wizard()
        self.assertEqual(action["res_model"], "cs.property.renovation.deposit.wizard")

    def test_receipt_deduction_refund_journal_items_and_register(self):
        reno = self._approved()
        self._pay_fees(reno)
        liability = self._deposit_account()
        analytic = {str(self.estate_a.analytic_account_id.id): 100}
        # receipt through the wizard: Dr bank 2,000 / Cr liability 2,000
        wizard = (
            self.env["cs.property.renovation.deposit.wizard"]
            .with_user(self.user_finance)
            .create({"renovation_id": reno.id, "mode": "receipt"})
        )
        self.assertEqual(wizard.journal_id.type, "bank")
        self.assertAlmostEqual(wizard.amount, 2000.0)
        wizard.action_confirm()
        receipt = reno.deposit_line_ids.move_id
        self.assertEqual(receipt.state, "posted")
        bank_line = self._lines(receipt, self.bank.default_account_id)
        dep_line = self._lines(receipt, liability)
        self.assertEqual((bank_line.debit, bank_line.credit), (2000.0, 0.0))
        self.assertEqual((dep_line.debit, dep_line.credit), (0.0, 2000.0))
        for line in receipt.line_ids:
            self.assertEqual(line.partner_id, self.owner)
            self.assertEqual(line.analytic_distribution, analytic)
        self.assertFalse(
            receipt.line_ids.account_id.filtered(lambda a: a.internal_group == "income")
        )
        self.assertEqual(self.assertRegisterEqualsLiability(self.estate_a), 2000.0)
        reno.action_issue_permit()

        # deduction for a violation: Dr liability 500 / Cr income 500, naming it
        violation = self._violation(reno, amount=500.0)
        with self.assertRefused(UserError, "can only be done by Finance"):
            violation.with_user(self.user_agent).action_deduct()
        violation.with_user(self.user_finance).action_deduct()
        self.assertTrue(violation.deducted)
        deduction = violation.deposit_line_ids.move_id
        self.assertIn(violation.name, deduction.ref)
        self.assertIn("Noisy Work outside Work Hours", deduction.ref)
        dep_line = self._lines(deduction, liability)
        income = self._lines(deduction, self.company.income_account_id)
        self.assertEqual((dep_line.debit, dep_line.credit), (500.0, 0.0))
        self.assertEqual((income.debit, income.credit), (0.0, 500.0))
        self.assertEqual(income.analytic_distribution, analytic)
        with self.assertRefused(UserError, "already deducted"):
            violation.with_user(self.user_finance).action_deduct()
        self.assertAlmostEqual(reno.deposit_held, 1500.0)
        self.assertEqual(self.assertRegisterEqualsLiability(self.estate_a), 1500.0)
        # never more than held
        too_much = self._violation(reno, amount=1600.0)
        with self.assertRefused(UserError, "more than the deposit held"):
            too_much.with_user(self.user_finance).action_deduct()
        too_much.action_cancel()

        # refund: not while a violation is open, an extension pending, before acceptance
        finance = reno.with_user(self.user_finance)
        with self.assertRefused(UserError, "refunding the deposit is not possible"):
            finance._deposit_refund(self.bank)
        reno.action_request_acceptance()
        reno.write(
            {
                "accept_structure_ok": True,
                "accept_fire_ok": True,
                "accept_facade_ok": True,
                "accept_debris_ok": True,
                "accept_waterproof_test": "pass",
            }
        )
        # a violation is still open: the acceptance waits for its re-check
        with self.assertRefused(UserError, "is still open; it is re-checked and closed"):
            reno.with_user(self.user_technician).action_acceptance_pass()
        violation.with_user(self.user_technician).write({"recheck_note": "已整改"})
        violation.with_user(self.user_technician).action_recheck_pass()
        reno.with_user(self.user_technician).action_acceptance_pass()
        reno.sudo().extension_state = "pending"
        with self.assertRefused(UserError, "extension request is pending"):
            finance._deposit_refund(self.bank)
        reno.sudo().extension_state = "refused"
        with self.assertRefused(UserError, "can only be done by Finance"):
            reno.action_refund_wizard()
        action = finance.action_refund_wizard()
        wizard = (
            self.env["cs.property.renovation.deposit.wizard"]
            .with_user(self.user_finance)
            .with_context(action["context"])
            .create({})
        )
        self.assertAlmostEqual(wizard.amount, 1500.0)
        wizard.action_confirm()
        self.assertEqual(reno.state, "closed")
        refund = reno.deposit_line_ids.filtered(lambda r: r.kind == "refund").move_id
        dep_line = self._lines(refund, liability)
        payable_line = self._lines(refund, self.owner.property_account_payable_id)
        self.assertEqual((dep_line.debit, dep_line.credit), (1500.0, 0.0))
        self.assertEqual((payable_line.debit, payable_line.credit), (0.0, 1500.0))
        self.assertTrue(payable_line.reconciled)  # paid by the refund payment
        self.assertEqual(dep_line.partner_id, self.owner)
        self.assertEqual(
            (
                reno.deposit_received,
                reno.deposit_deducted,
                reno.deposit_refunded,
                reno.deposit_held,
            ),
            (2000.0, 500.0, 1500.0, 0.0),
        )
        self.assertEqual(self.assertRegisterEqualsLiability(self.estate_a), 0.0)
        # never twice
        with self.assertRefused(UserError, "not possible now"):
            finance._deposit_refund(self.bank)

    def test_cancel_refused_while_deposit_held(self):
        reno = self._approved()
        self._receive(reno)
        with self.assertRefused(UserError, "holds a deposit"):
            reno.action_cancel()
        with self.assertRefused(UserError, "must be positive"):
            reno.with_user(self.user_finance)._deposit_receive(self.bank, 0)

    def test_flat_fee_and_company_accounts_on_install(self):
        self.estate_a.write({"renovation_fee_mode": "flat", "renovation_fee_rate": 800})
        reno = self._reno()
        self.assertAlmostEqual(reno.fee_management, 800.0)
        self.env["res.company"]._cs_renovation_create_deposit_accounts()
        self.assertTrue(self.company.cs_renovation_deposit_account_id)

    def test_company_given_a_chart_later_gets_the_deposit_account(self):
        company = self.env["res.company"].create({"name": "Later Property Co."})
        self.assertFalse(company.cs_renovation_deposit_account_id)
        self.env["account.chart.template"].try_loading("generic_coa", company, install_demo=False)
        account = company.cs_renovation_deposit_account_id
        self.assertEqual(account.account_type, "liability_current")
        self.assertEqual(account.company_ids, company)
