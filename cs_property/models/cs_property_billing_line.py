from odoo import fields, models


class CsPropertyBillingLine(models.Model):
    """One unit, charge item and month billed on an invoice line.

    The unique index is the guarantee against double billing: a billing run
    claims its rows with ``INSERT … ON CONFLICT DO NOTHING`` before it creates
    the invoices, so two runs at once, or a re-run, bill each month once. A
    credit note of the invoice releases the rows (kept as history) so that
    the month can be billed again.
    """

    _name = "cs.property.billing.line"
    _description = "Billed Charge Month"
    _inherit = ["cs.property.estate.mixin"]
    _order = "month desc, unit_id, item_id"
    _check_company_auto = True

    unit_id = fields.Many2one("cs.property.unit", required=True, index=True, ondelete="restrict")
    item_id = fields.Many2one(
        "cs.property.charge.item", string="Charge Item", required=True, ondelete="restrict"
    )
    month = fields.Date(required=True, help="First day of the month billed.")
    partner_id = fields.Many2one("res.partner", string="Payer", required=True, index=True)
    run_id = fields.Many2one("cs.property.billing.run", index=True, ondelete="set null")
    move_id = fields.Many2one("account.move", string="Invoice", index=True, ondelete="cascade")
    move_line_id = fields.Many2one("account.move.line", index=True, ondelete="set null")
    rate_months = fields.Float(string="Rate × Months", digits=(16, 6))
    released = fields.Boolean(
        index=True, help="Credited or cancelled: the month may be billed again."
    )
    released_move_id = fields.Many2one(
        "account.move", string="Credit Note", help="The credit note that released this month."
    )

    _billed_once = models.UniqueIndex(
        "(unit_id, item_id, month) WHERE released IS NOT TRUE",
        "This unit and charge item are already billed for this month.",
    )
