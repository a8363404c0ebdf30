from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CsPropertyChargePrice(models.Model):
    """A price version of a charge item, in force from its date until the next."""

    _name = "cs.property.charge.price"
    _description = "Charge Price Version"
    _order = "item_id, date_from desc"

    item_id = fields.Many2one(
        "cs.property.charge.item", required=True, index=True, ondelete="cascade"
    )
    estate_id = fields.Many2one(related="item_id.estate_id", store=True, index=True)
    company_id = fields.Many2one(related="item_id.company_id", store=True, index=True)
    date_from = fields.Date(string="Effective From", required=True)
    rate = fields.Float(
        required=True,
        digits="Product Price",
        help="Per m² per month for area-based items, per unit per month for flat items.",
    )
    note = fields.Char(help="Why the price changed, e.g. the owners' assembly resolution.")

    _item_date_uniq = models.Constraint(
        "unique(item_id, date_from)",
        "A charge item has one price version per effective date.",
    )
    _rate_positive = models.Constraint("CHECK(rate >= 0)", "A charge rate cannot be negative.")

    @api.constrains("rate")
    def _check_rate_not_zero(self):
        for price in self:
            if not price.rate:
                raise ValidationError(
                    self.env._(
                        "Charge item “%(item)s”: a price version of zero bills nothing. To "
                        "stop charging some units, record an exemption for them.",
                        item=price.item_id.name,
                    )
                )
