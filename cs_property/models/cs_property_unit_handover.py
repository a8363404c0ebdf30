from odoo import fields, models


class CsPropertyUnit(models.Model):
    """Handover facts of a unit: layout, charges start, meter history."""

    _inherit = "cs.property.unit"

    bedroom_count = fields.Integer(
        string="Bedrooms", default=1, help="Layout: the handover checklist repeats 卧室1…n."
    )
    charges_start_date = fields.Date(
        string="Service Charges From",
        tracking=True,
        help="Set by the handover acceptance: service charges run from this date.",
    )
    meter_reading_ids = fields.One2many(
        "cs.property.meter.reading", "unit_id", string="Meter Readings"
    )
    handover_ids = fields.One2many("cs.property.handover", "unit_id", string="Handovers")
