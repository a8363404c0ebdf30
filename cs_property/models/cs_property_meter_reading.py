from odoo import api, fields, models
from odoo.exceptions import ValidationError

METER_TYPES = [("water", "Water"), ("electricity", "Electricity"), ("gas", "Gas")]


class CsPropertyMeterReading(models.Model):
    """A meter reading of a unit (水电气抄表); the history fee work reads."""

    _name = "cs.property.meter.reading"
    _description = "Meter Reading"
    _inherit = ["cs.property.workflow.line.mixin"]
    _workflow_parent_field = "handover_id"
    _order = "unit_id, meter_type, date desc, id desc"

    unit_id = fields.Many2one("cs.property.unit", required=True, index=True, ondelete="restrict")
    estate_id = fields.Many2one(related="unit_id.estate_id", store=True, index=True)
    company_id = fields.Many2one(related="unit_id.company_id", store=True, index=True)
    handover_id = fields.Many2one(
        "cs.property.handover", index="btree_not_null", ondelete="set null", string="Handover"
    )
    meter_type = fields.Selection(METER_TYPES, required=True, default="water")
    meter_number = fields.Char()
    reading = fields.Float(required=True, digits=(16, 2))
    date = fields.Date(required=True, default=fields.Date.context_today)
    photo = fields.Image(max_width=1024, max_height=1024, attachment=True)
    carried_from_id = fields.Many2one(
        "cs.property.meter.reading",
        string="Carried Over From",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        help="The reading of the refused visit this re-inspection started from.",
    )

    _unit_type_date_idx = models.Index("(unit_id, meter_type, date)")

    @api.constrains("reading")
    def _check_reading(self):
        for line in self:
            if line.reading < 0:
                raise ValidationError(
                    self.env._(
                        "A meter reading cannot be negative (%(meter)s).",
                        meter=line.meter_number or line.meter_type,
                    )
                )
