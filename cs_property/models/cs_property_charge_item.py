from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .cs_property_unit import UNIT_USAGES

CHARGE_BASES = [
    ("gross_area", "Per m² of Gross Area"),
    ("usable_area", "Per m² of Usable Area"),
    ("flat", "Flat Amount per Unit"),
]


class CsPropertyChargeItem(models.Model):
    """A charge item of an estate (物业服务费, 车位费, 垃圾费…): what is billed
    monthly, on which basis, with which product, taxes and income account.

    The rate itself lives in dated price versions so that a price change
    applies from its date without rewriting what was billed before.
    """

    _name = "cs.property.charge.item"
    _description = "Charge Item"
    _inherit = ["cs.property.estate.mixin", "mail.thread"]
    _order = "estate_id, sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    basis = fields.Selection(
        CHARGE_BASES,
        required=True,
        default="gross_area",
        tracking=True,
        help="Quantity billed for each unit: its gross or usable area, or 1 for a flat fee.",
    )
    unit_usage = fields.Selection(
        UNIT_USAGES,
        string="Unit Use",
        tracking=True,
        help="Only units of this use are charged; empty: every unit.",
    )
    product_id = fields.Many2one(
        "product.product", required=True, check_company=True, ondelete="restrict", tracking=True
    )
    tax_ids = fields.Many2many(
        "account.tax",
        string="Taxes",
        check_company=True,
        domain="[('type_tax_use', '=', 'sale')]",
    )
    account_id = fields.Many2one(
        "account.account",
        string="Income Account",
        check_company=True,
        tracking=True,
        help="Empty: the product's income account.",
    )
    price_ids = fields.One2many("cs.property.charge.price", "item_id", string="Price Versions")
    current_rate = fields.Float(
        string="Current Rate", compute="_compute_current_rate", digits="Product Price"
    )

    @api.depends("price_ids.date_from", "price_ids.rate")
    @api.depends_context("date")
    def _compute_current_rate(self):
        today = fields.Date.to_date(self.env.context.get("date")) or fields.Date.context_today(self)
        for item in self:
            item.current_rate = item._rate_at(today)

    def _rate_at(self, date):
        """Rate of the price version in force on ``date`` (0 before the first)."""
        self.ensure_one()
        versions = self.price_ids.filtered(lambda p: p.date_from <= date).sorted("date_from")
        return versions[-1:].rate if versions else 0.0

    def _price_dates(self):
        self.ensure_one()
        return sorted(self.price_ids.mapped("date_from"))

    @api.constrains("basis", "unit_usage")
    def _check_parking_flat(self):
        for item in self:
            if item.unit_usage == "parking" and item.basis == "usable_area":
                raise ValidationError(
                    self.env._(
                        "Charge item “%(item)s”: parking spaces are charged per gross area "
                        "or as a flat fee, not per usable area.",
                        item=item.name,
                    )
                )
