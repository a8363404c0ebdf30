from odoo import api, models
from odoo.fields import Domain


class AccountMove(models.Model):
    """The payer's account (预收 and oldest first): money a payer has on account
    (an advance payment, a payment not matched to an invoice, an unmatched
    credit note) stays customer credit on the receivable and is applied to
    their open service-charge invoices, the oldest due first, as soon as a
    new charge invoice is posted (and by the daily arrears run)."""

    _inherit = "account.move"

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        charged = posted.filtered(
            lambda m: m.move_type == "out_invoice" and m.invoice_line_ids.cs_unit_id
        )
        if charged:
            # sudo: the consequence of posting, whoever posts (a billing run)
            self.sudo()._cs_apply_customer_credits(charged.commercial_partner_id)
        return posted

    @api.model
    def _cs_apply_customer_credits(self, partners):
        """Apply the outstanding credits of ``partners`` to their open charge
        invoices, oldest due date (then oldest month) first. Two queries for
        the whole set; nothing more when nobody has credit (most runs)."""
        AML = self.env["account.move.line"]
        receivable = (
            Domain("account_id.account_type", "=", "asset_receivable")
            & Domain("parent_state", "=", "posted")
            & Domain("reconciled", "=", False)
            & Domain("partner_id", "in", partners.ids)
        )
        credits = AML.search(receivable & Domain("amount_residual", "<", 0), order="date, id")
        if not credits:
            return False
        debits = AML.search(
            receivable
            & Domain("amount_residual", ">", 0)
            & Domain("move_id.move_type", "=", "out_invoice")
            & Domain("partner_id", "in", credits.partner_id.ids)
            & Domain("move_id.invoice_line_ids.cs_unit_id", "!=", False),
            order="date_maturity, date, id",
        )
        for partner, partner_credits in credits.grouped("partner_id").items():
            partner_debits = debits.filtered(lambda ln, p=partner: ln.partner_id == p)
            for debit in partner_debits:
                for credit in partner_credits.filtered(
                    lambda ln, d=debit: ln.account_id == d.account_id and not ln.reconciled
                ):
                    if debit.reconciled:
                        break
                    (debit | credit).reconcile()
        return True
