from odoo import fields, models

KINDS = [
    ("receipt", "Deposit Received"),
    ("deduction", "Deducted for a Violation"),
    ("refund", "Deposit Refunded"),
]


class CsPropertyRenovationDeposit(models.Model):
    """The deposit register (押金台账): one row per posted deposit entry, per
    estate. Rows are written only with their journal entry, so the register of
    an estate equals the liability account's balance on the estate's analytic."""

    _name = "cs.property.renovation.deposit"
    _description = "Renovation Deposit Register"
    _order = "date desc, id desc"

    renovation_id = fields.Many2one(
        "cs.property.renovation", required=True, index=True, ondelete="restrict", readonly=True
    )
    estate_id = fields.Many2one(related="renovation_id.estate_id", store=True, index=True)
    company_id = fields.Many2one(related="renovation_id.company_id", store=True, index=True)
    unit_id = fields.Many2one(related="renovation_id.unit_id", store=True)
    partner_id = fields.Many2one(related="renovation_id.partner_id", store=True, string="Applicant")
    kind = fields.Selection(KINDS, required=True, readonly=True)
    date = fields.Date(required=True, readonly=True)
    amount = fields.Monetary(
        readonly=True, help="Positive: money received and held; negative: deducted or refunded."
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    move_id = fields.Many2one("account.move", string="Journal Entry", readonly=True, index=True)
    payment_id = fields.Many2one(
        "account.payment",
        string="Refund Payment",
        readonly=True,
        index="btree_not_null",
        help="The outbound payment of a refund, reconciled with its payable.",
    )
    violation_id = fields.Many2one(
        "cs.property.renovation.violation", readonly=True, index="btree_not_null"
    )
