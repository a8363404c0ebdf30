from odoo import fields, models


class CsPropertyBuilding(models.Model):
    """The building's main contractor (施工单位), to whom rework is issued."""

    _inherit = "cs.property.building"

    contractor_id = fields.Many2one(
        "res.partner",
        string="Main Contractor",
        tracking=True,
        help="Contractor (施工单位) that carries out the developer's warranty rework.",
    )
