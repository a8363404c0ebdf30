from odoo import fields, models

from .cs_property_team import TEAM_TYPES

# The services inspected are the team types of the estate: a failed item goes
# to the estate's team of the same type.
SERVICES = [t for t in TEAM_TYPES if t[0] != "quality"]
CHECK_TYPES = [
    ("pass_fail", "Pass / Fail"),
    ("measure", "Measurement"),
    ("photo", "Photo Required"),
]


class CsPropertyInspectionStandard(models.Model):
    """One line of a service standard (保洁标准: area, item, method, frequency,
    standard), and how an inspector checks it."""

    _name = "cs.property.inspection.standard"
    _description = "Service Standard Item"
    _order = "service, sequence, id"

    service = fields.Selection(SERVICES, required=True, index=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    area = fields.Char(required=True, help="Where: lobby, stairs, garden…")
    name = fields.Char(string="Item", required=True)
    method = fields.Char(help="How the work is done: mop, wipe, prune…")
    frequency = fields.Char(help="How often: continuous patrol, 1×/day…")
    requirement = fields.Text(string="Standard", required=True)
    check_type = fields.Selection(CHECK_TYPES, required=True, default="pass_fail")
    min_value = fields.Float(string="Minimum")
    max_value = fields.Float(string="Maximum")
    uom = fields.Char(string="Unit of Measure")
    weight = fields.Float(default=1.0, help="Weight of the item in the inspection score.")
    company_id = fields.Many2one("res.company", help="Leave empty to share with every company.")

    _weight_positive = models.Constraint("CHECK(weight >= 0)", "The weight cannot be negative.")
