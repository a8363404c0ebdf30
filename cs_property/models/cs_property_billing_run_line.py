from odoo import fields, models


class CsPropertyBillingRunLine(models.Model):
    """A previewed unit, charge item and month of a billing run."""

    _name = "cs.property.billing.run.line"
    _description = "Billing Run Preview Line"
    _order = "run_id, exception, partner_id, unit_id, item_id, month"

    run_id = fields.Many2one(
        "cs.property.billing.run", required=True, index=True, ondelete="cascade"
    )
    unit_id = fields.Many2one("cs.property.unit", required=True, ondelete="cascade")
    estate_id = fields.Many2one(related="unit_id.estate_id", store=True)
    item_id = fields.Many2one(
        "cs.property.charge.item", string="Charge Item", required=True, ondelete="cascade"
    )
    month = fields.Date(required=True)
    partner_id = fields.Many2one("res.partner", string="Payer", index=True)
    quantity = fields.Float(digits="Product Unit")
    rate_months = fields.Float(string="Rate × Months", digits=(16, 6))
    segments = fields.Char(
        string="Calculation Terms",
        help="rate:days/days-in-month terms of the month, summed exactly on the invoice line.",
    )
    amount = fields.Float(string="Untaxed Amount", digits="Account")
    exception = fields.Char()
    done = fields.Boolean(index=True)
