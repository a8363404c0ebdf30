from odoo import api, fields, models


class CsPropertyRenovationDepositWizard(models.TransientModel):
    """Finance confirms a deposit receipt or the final refund."""

    _name = "cs.property.renovation.deposit.wizard"
    _description = "Renovation Deposit Receipt or Refund"

    renovation_id = fields.Many2one("cs.property.renovation", required=True)
    company_id = fields.Many2one(related="renovation_id.company_id")
    currency_id = fields.Many2one(related="renovation_id.currency_id")
    mode = fields.Selection(
        [("receipt", "Receive the Deposit"), ("refund", "Refund the Deposit")],
        required=True,
        default="receipt",
    )
    journal_id = fields.Many2one(
        "account.journal",
        string="Bank or Cash Journal",
        required=True,
        domain="[('type', 'in', ('bank', 'cash')), ('company_id', '=', company_id)]",
        compute="_compute_journal_id",
        store=True,
        readonly=False,
        precompute=True,
    )
    amount = fields.Monetary(
        compute="_compute_amount",
        store=True,
        readonly=False,
        precompute=True,
        help="A refund may be partial: at most what is held (received − deducted − refunded "
        "so far); the rest stays held.",
    )
    date = fields.Date(required=True, default=fields.Date.context_today)

    @api.depends("renovation_id")
    def _compute_journal_id(self):
        for wizard in self:
            wizard.journal_id = wizard.renovation_id._deposit_journal_default()

    @api.depends("renovation_id", "mode")
    def _compute_amount(self):
        for wizard in self:
            reno = wizard.renovation_id
            wizard.amount = (
                max(reno.deposit_required - reno.deposit_held, 0.0)
                if wizard.mode == "receipt"
                else reno.deposit_held
            )

    def action_confirm(self):
        self.ensure_one()
        if self.mode == "receipt":
            self.renovation_id._deposit_receive(self.journal_id, self.amount, self.date)
        else:
            self.renovation_id._deposit_refund(self.journal_id, self.date, self.amount)
        return {"type": "ir.actions.act_window_close"}
