from datetime import date

from odoo import api, fields, models
from odoo.exceptions import ValidationError

EXEMPTION_TYPES = [
    ("exempt", "Exemption"),
    ("rate", "Special Rate"),
]


class CsPropertyChargeExemption(models.Model):
    """A unit's own deal on a charge item: not charged (减免) or charged at a
    special rate, for a period, with the reason on record."""

    _name = "cs.property.charge.exemption"
    _description = "Charge Exemption or Override"
    _inherit = ["cs.property.estate.mixin", "mail.thread"]
    _order = "unit_id, date_start desc, id desc"
    _check_company_auto = True

    unit_id = fields.Many2one(
        "cs.property.unit", required=True, index=True, ondelete="restrict", tracking=True
    )
    estate_id = fields.Many2one(
        compute="_compute_estate_id", default=None, store=True, readonly=False, precompute=True
    )
    item_id = fields.Many2one(
        "cs.property.charge.item",
        string="Charge Item",
        index=True,
        ondelete="restrict",
        tracking=True,
        help="Empty: every charge item of the unit.",
    )
    exemption_type = fields.Selection(
        EXEMPTION_TYPES, string="Type", required=True, default="exempt", tracking=True
    )
    rate = fields.Float(string="Special Rate", digits="Product Price", tracking=True)
    reason = fields.Char(required=True, tracking=True)
    date_start = fields.Date(string="From", required=True, tracking=True)
    date_end = fields.Date(string="Until", tracking=True)
    active = fields.Boolean(default=True, tracking=True)

    @api.depends("unit_id")
    def _compute_estate_id(self):
        for line in self:
            if line.unit_id:
                line.estate_id = line.unit_id.estate_id

    @api.constrains("date_start", "date_end", "exemption_type", "item_id", "rate")
    def _check_dates(self):
        for line in self:
            if line.date_end and line.date_end < line.date_start:
                raise ValidationError(
                    self.env._(
                        "Exemption of %(unit)s: the end date cannot be before the start date.",
                        unit=line.unit_id.display_name,
                    )
                )
            if line.exemption_type == "exempt" and not line.date_end:
                raise ValidationError(
                    self.env._(
                        "Exemption of %(unit)s: an exemption needs an end date.",
                        unit=line.unit_id.display_name,
                    )
                )
            if line.exemption_type == "rate" and (not line.item_id or line.rate < 0):
                raise ValidationError(
                    self.env._(
                        "Special rate of %(unit)s: name the charge item and a rate of zero "
                        "or more.",
                        unit=line.unit_id.display_name,
                    )
                )
            if line.item_id and line.item_id.estate_id != line.estate_id:
                raise ValidationError(
                    self.env._(
                        "Exemption of %(unit)s: the charge item belongs to another estate.",
                        unit=line.unit_id.display_name,
                    )
                )

    @api.constrains("unit_id", "item_id", "date_start", "date_end", "active")
    def _check_no_overlap(self):
        """One deal per unit, item and day: two overlapping special rates or
        exemptions would leave which one applies to chance."""
        for line in self.filtered("active"):
            domain = [
                ("id", "!=", line.id),
                ("unit_id", "=", line.unit_id.id),
                ("date_start", "<=", line.date_end or date.max),
                "|",
                ("date_end", "=", False),
                ("date_end", ">=", line.date_start),
            ]
            if line.item_id:
                domain += ["|", ("item_id", "=", False), ("item_id", "=", line.item_id.id)]
            other = self.sudo().search(domain, limit=1)  # the unit's deals, whoever may read them
            if other:
                raise ValidationError(
                    self.env._(
                        "%(unit)s: “%(reason)s” overlaps “%(other)s” (from %(start)s) for the "
                        "same charge item; end one before the other starts.",
                        unit=line.unit_id.display_name,
                        reason=line.reason,
                        other=other.reason,
                        start=other.date_start,
                    )
                )

    def _covers(self, item, date):
        self.ensure_one()
        return (
            (not self.item_id or self.item_id == item)
            and self.date_start <= date
            and (not self.date_end or self.date_end >= date)
        )
