from odoo import fields, models


class CsPropertyOccupancy(models.Model):
    _inherit = "cs.property.occupancy"

    pays_charges = fields.Boolean(
        string="Pays Service Charges",
        tracking=True,
        help="The lease makes this tenant pay the service charges instead of the owner.",
    )
