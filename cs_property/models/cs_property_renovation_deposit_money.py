from odoo import fields, models
from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tools import float_compare


class CsPropertyRenovation(models.Model):
    """The deposit of a renovation held on a liability account: receipt,
    deductions and refunds, each a posted entry with its register row."""

    _inherit = "cs.property.renovation"

    # ------------------------------------------------------------ deposit
    def _deposit_journal_default(self):
        return self.env["account.journal"].search(
            [("type", "in", ("bank", "cash")), ("company_id", "=", self.company_id.id)], limit=1
        )

    def action_open_deposit_wizard(self):
        self.ensure_one()
        self._check_finance()
        mode = self.env.context.get("deposit_mode", "receipt")
        return {
            "type": "ir.actions.act_window",
            "res_model": "cs.property.renovation.deposit.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_renovation_id": self.id, "default_mode": mode},
        }

    def _deposit_post(self, kind, amount, journal, counterpart, label, violation=None, date=None):
        """Post the entry of one deposit movement and its register row.

        Receipt: Dr bank/cash, Cr liability. Deduction: Dr liability, Cr income.
        Refund: Dr liability, Cr the applicant's payable. Every line carries the applicant and
        the estate's analytic account, so the liability is traceable per estate.
        """
        self.ensure_one()
        liability = self.estate_id._renovation_deposit_account()
        analytic = {str(self.estate_id._analytic_account().id): 100}
        common = {
            "partner_id": self.partner_id.id,
            "analytic_distribution": analytic,
            "name": label,
        }
        liability_line = dict(common, account_id=liability.id)
        counter_line = dict(common, account_id=counterpart.id)
        if kind == "receipt":
            liability_line["credit"] = counter_line["debit"] = amount
        else:
            liability_line["debit"] = counter_line["credit"] = amount
        move = (
            self.env["account.move"]
            .with_company(self.company_id)
            .create(
                {
                    "move_type": "entry",
                    "journal_id": journal.id,
                    "date": date or fields.Date.context_today(self),
                    "ref": label,
                    "line_ids": [Command.create(counter_line), Command.create(liability_line)],
                }
            )
        )
        move.action_post()
        self.env["cs.property.renovation.deposit"].sudo().create(
            {
                "renovation_id": self.id,
                "kind": kind,
                "amount": amount if kind == "receipt" else -amount,
                "move_id": move.id,
                "violation_id": violation.id if violation else False,
                "date": move.date,
            }
        )
        return move

    def _deposit_receive(self, journal=None, amount=None, date=None):
        self.ensure_one()
        self._check_finance()
        self._check_state(("approved", "works"), self.env._("receiving the deposit"))
        self._lock()
        journal = journal or self._deposit_journal_default()
        if amount is None:
            amount = self.deposit_required - self.deposit_held
        if float_compare(amount, 0.0, precision_rounding=self.currency_id.rounding) <= 0:
            raise UserError(self.env._("The amount received must be positive."))
        label = self.env._("Renovation deposit %(name)s", name=self.name)
        return self._deposit_post(
            "receipt", amount, journal, journal.default_account_id, label, date=date
        )

    def _deposit_deduct(self, violation, date=None):
        """Keep part of the deposit for a violation: liability → income."""
        self.ensure_one()
        self._check_finance()
        self._lock()
        amount = violation.deduction_amount
        if (
            float_compare(amount, self.deposit_held, precision_rounding=self.currency_id.rounding)
            > 0
        ):
            raise UserError(
                self.env._(
                    "Renovation %(name)s: the deduction of %(amount)s is more than the deposit "
                    "held (%(held)s).",
                    name=self.name,
                    amount=amount,
                    held=self.deposit_held,
                )
            )
        journal = self._deposit_misc_journal()
        label = self.env._(
            "Deposit deduction %(name)s for violation %(violation)s: %(type)s",
            name=self.name,
            violation=violation.name,
            type=violation._violation_type_label(),
        )
        return self._deposit_post(
            "deduction",
            amount,
            journal,
            self.estate_id._renovation_penalty_account(),
            label,
            violation=violation,
            date=date,
        )

    def _deposit_refund(self, journal=None, date=None, amount=None):
        """Refund (part of) what is held after a passed final acceptance.

        The refund is owed to the applicant: Dr liability / Cr the applicant's
        payable (a misc. entry backing the register), paid by an outbound
        payment from ``journal`` reconciled with that payable, so the bank
        statement line matches the payment. A partial refund leaves the rest
        held (held = received − deducted − refunded so far); the file closes
        when nothing is held any more."""
        self.ensure_one()
        journal = journal or self._deposit_journal_default()
        self._check_finance()
        self._lock()
        self._check_state(("accepted",), self.env._("refunding the deposit"))
        if self.open_violation_count:
            raise UserError(
                self.env._(
                    "Renovation %(name)s: a violation is still open; it is rectified and "
                    "re-checked before the refund.",
                    name=self.name,
                )
            )
        if self.extension_state == "pending":
            raise UserError(
                self.env._("Renovation %(name)s: an extension request is pending.", name=self.name)
            )
        rounding = self.currency_id.rounding
        held = self.deposit_held
        if amount is None:
            amount = held
        if float_compare(amount, 0.0, precision_rounding=rounding) < 0 or (
            float_compare(amount, 0.0, precision_rounding=rounding) == 0
            and float_compare(held, 0.0, precision_rounding=rounding) > 0
        ):
            raise UserError(self.env._("The amount refunded must be positive."))
        if float_compare(amount, held, precision_rounding=rounding) > 0:
            raise UserError(
                self.env._(
                    "Renovation %(name)s: the refund of %(amount)s is more than the deposit "
                    "held (%(held)s = received − deducted − refunded so far).",
                    name=self.name,
                    amount=amount,
                    held=held,
                )
            )
        move = self.env["account.move"]
        if float_compare(amount, 0.0, precision_rounding=rounding) > 0:
            label = self.env._("Renovation deposit refund %(name)s", name=self.name)
            payable = self.partner_id.with_company(self.company_id).property_account_payable_id
            move = self._deposit_post(
                "refund", amount, self._deposit_misc_journal(), payable, label, date=date
            )
            self._deposit_pay_refund(move, payable, journal, label)
        if float_compare(self.deposit_held, 0.0, precision_rounding=rounding) > 0:
            return move  # partly refunded: the rest stays held, the file stays open
        # finance closes the file as the consequence of its posting; its role does
        # not read SLA clocks, which the state change settles
        self.sudo()._set_state("closed")
        self._notify_applicant(
            lambda r: r.env._(
                "Your renovation deposit for %(name)s is settled: refunded %(refund)s, "
                "deducted %(deducted)s.",
                name=r.name,
                refund=r.deposit_refunded,
                deducted=r.deposit_deducted,
            )
        )
        return move

    def _deposit_misc_journal(self):
        return self.env["account.journal"].search(
            [("type", "=", "general"), ("company_id", "=", self.company_id.id)], limit=1
        )

    def _deposit_pay_refund(self, move, payable, journal, label):
        """The outbound payment of a refund, reconciled with its payable line."""
        payment = (
            self.env["account.payment"]
            .with_company(self.company_id)
            .create(
                {
                    "payment_type": "outbound",
                    "partner_type": "supplier",
                    "partner_id": self.partner_id.id,
                    "amount": move.amount_total,
                    "journal_id": journal.id,
                    "date": move.date,
                    "memo": label,
                }
            )
        )
        payment.action_post()
        register = self.deposit_line_ids.filtered(lambda r: r.move_id == move)
        register.sudo().payment_id = payment
        lines = (move.line_ids | payment.move_id.line_ids).filtered(
            lambda ln: ln.account_id == payable and not ln.reconciled
        )
        lines.reconcile()
        return payment

    def action_view_deposit_moves(self):
        return self._action_related(
            "cs.property.renovation.deposit", self.env._("Deposit Register")
        )
