from odoo import Command
from odoo.exceptions import UserError
from odoo.service.model import call_kw

from .renovation_common import RenovationCase


class TestDepositRegisterIsTheBooks(RenovationCase):
    """§2 of issue 22: the register follows the posted entries only."""

    def _accepted(self, reno):
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
        reno.with_user(self.user_technician).action_acceptance_pass()
        return reno

    def test_money_fields_refused_over_rpc(self):
        reno = self._approved()
        self._pay_fees(reno)
        admin = self.env.ref("base.user_admin")
        for user in (self.user_agent, self.user_manager, self.user_finance, admin):
            for vals in (
                {"deposit_held": 99999.0},
                {"deposit_required": 0.0},
                {"fee_invoice_id": False},
                {"deposit_received": 5000.0, "note_internal": "x"},
            ):
                Model = self.env["cs.property.renovation"].with_user(user)
                with self.assertRefused(UserError, "cannot be written by hand"):
                    call_kw(Model, "write", [reno.ids, vals], {})
        self.assertEqual(reno.deposit_held, 0.0)
        self.assertAlmostEqual(reno.deposit_required, 2000.0)
        self.assertTrue(reno.fee_invoice_id)
        # nor on creation
        with self.assertRefused(UserError, "cannot be written by hand"):
            call_kw(
                self.env["cs.property.renovation"].with_user(self.user_agent),
                "create",
                [{"unit_id": self.unit_a101.id, "deposit_held": 2000.0}],
                {},
            )
        # so the permit still waits for the deposit
        with self.assertRefused(UserError, "no permit before the deposit"):
            reno.action_issue_permit()
        self.assertEqual(reno.state, "approved")

    def test_deposit_entries_stay_posted(self):
        reno = self._approved()
        self._pay_fees(reno)
        receipt = self._receive(reno).with_env(self.env)
        reno.action_issue_permit()
        violation = self._violation(reno, amount=300.0)
        violation.with_user(self.user_finance).action_deduct()
        deduction = violation.deposit_line_ids.move_id.with_env(self.env)
        for move in (receipt, deduction):
            for user in (self.user_finance, self.env.ref("base.user_admin")):
                with self.assertRefused(UserError, "backs the renovation deposit register"):
                    move.with_user(user).button_draft()
                with self.assertRefused(UserError, "backs the renovation deposit register"):
                    move.with_user(user).button_cancel()
            with self.assertRefused(UserError, "backs the renovation deposit register"):
                # the credit-note wizard's path, even as the superuser
                move._reverse_moves(cancel=True)
            self.assertEqual(move.state, "posted")
        self.assertAlmostEqual(reno.deposit_held, 1700.0)
        self.assertEqual(self.assertRegisterEqualsLiability(self.estate_a), 1700.0)
        # per applicant as well
        liability = self._deposit_account()
        lines = self.env["account.move.line"].search(
            [
                ("account_id", "=", liability.id),
                ("parent_state", "=", "posted"),
                ("partner_id", "=", self.owner.id),
            ]
        )
        self.assertAlmostEqual(-sum(lines.mapped("balance")), reno.deposit_held, places=2)

    def test_partial_refund_through_a_reconciled_payment(self):
        reno = self._approved()
        self._pay_fees(reno)
        self._receive(reno)
        reno.action_issue_permit()
        violation = self._violation(reno, amount=500.0)
        violation.with_user(self.user_finance).action_deduct()
        violation.with_user(self.user_technician).write({"recheck_note": "已整改"})
        violation.with_user(self.user_technician).action_recheck_pass()
        self._accepted(reno)
        Wizard = self.env["cs.property.renovation.deposit.wizard"].with_user(self.user_finance)
        ctx = reno.with_user(self.user_finance).action_refund_wizard()["context"]
        wizard = Wizard.with_context(ctx).create({})
        self.assertAlmostEqual(wizard.amount, 1500.0)
        # never more than held (received 2,000 − deducted 500)
        wizard.amount = 1500.01
        with self.assertRefused(UserError, "more than the deposit held"):
            wizard.action_confirm()
        self.assertFalse(reno.deposit_line_ids.filtered(lambda r: r.kind == "refund"))
        # a partial refund on purpose: 1,000 now, the rest stays held
        wizard = Wizard.with_context(ctx).create({"amount": 1000.0})
        wizard.action_confirm()
        self.assertEqual(reno.state, "accepted")
        self.assertAlmostEqual(reno.deposit_held, 500.0)
        row = reno.deposit_line_ids.filtered(lambda r: r.kind == "refund")
        refund, payment = row.move_id, row.payment_id
        liability = self._deposit_account()
        payable = self.owner.property_account_payable_id
        analytic = {str(self.estate_a.analytic_account_id.id): 100}
        dep_line = self._lines(refund, liability)
        pay_line = self._lines(refund, payable)
        self.assertEqual((dep_line.debit, dep_line.credit), (1000.0, 0.0))
        self.assertEqual((pay_line.debit, pay_line.credit), (0.0, 1000.0))
        for line in refund.line_ids:
            self.assertEqual(line.partner_id, self.owner)
            self.assertEqual(line.analytic_distribution, analytic)
        self.assertEqual(len(refund.line_ids), 2)
        # paid by an outbound payment from the bank journal, matched with the payable
        self.assertEqual(payment.state, "in_process")  # waits for its bank statement line
        self.assertEqual((payment.payment_type, payment.partner_id), ("outbound", self.owner))
        self.assertEqual(payment.journal_id, self.bank)
        self.assertAlmostEqual(payment.amount, 1000.0)
        self.assertTrue(pay_line.reconciled)
        outstanding = payment.move_id.line_ids.filtered(lambda ln: ln.account_id != payable)
        self.assertEqual((outstanding.debit, outstanding.credit), (0.0, 1000.0))
        self.assertEqual(self.assertRegisterEqualsLiability(self.estate_a), 500.0)
        # the rest: the file closes when nothing is held any more
        with self.assertRefused(UserError, "more than the deposit held"):
            reno.with_user(self.user_finance)._deposit_refund(self.bank, amount=500.01)
        reno.with_user(self.user_finance)._deposit_refund(self.bank)
        self.assertEqual(reno.state, "closed")
        self.assertEqual(
            (reno.deposit_received, reno.deposit_deducted, reno.deposit_refunded),
            (2000.0, 500.0, 1500.0),
        )
        self.assertEqual(reno.deposit_held, 0.0)
        self.assertEqual(self.assertRegisterEqualsLiability(self.estate_a), 0.0)

    def test_second_fee_invoice_by_the_officer(self):
        reno = self._approved(scope_ids=[Command.set(self.scope_finish.ids)])
        officer = reno.with_user(self.user_agent)
        officer.action_create_fee_invoice()
        invoice = reno.fee_invoice_id
        with self.assertRefused(UserError, "already invoiced"):
            officer.action_create_fee_invoice()
        self.assertEqual(reno.fee_invoice_id, invoice)
        self.assertEqual(
            self.env["account.move"].search_count([("invoice_origin", "=", reno.name)]), 1
        )
