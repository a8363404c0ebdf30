from odoo import api, fields, models


class CsPropertyHandoverPartMixin(models.AbstractModel):
    """A line of one handover inspection (an item checked, keys and cards
    handed over, a document delivered): bound to the inspection's estate and
    company for the record rules, and frozen with it — once the inspection is
    signed off, its lines change no more."""

    _name = "cs.property.handover.part.mixin"
    _description = "Handover Inspection Line"
    _order = "handover_id, id"

    handover_id = fields.Many2one(
        "cs.property.handover", required=True, index=True, ondelete="cascade"
    )
    estate_id = fields.Many2one(related="handover_id.estate_id", store=True, index=True)
    company_id = fields.Many2one(related="handover_id.company_id", store=True, index=True)

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            self.env["cs.property.handover"].browse(
                {vals["handover_id"] for vals in vals_list if vals.get("handover_id")}
            )._check_unlocked()
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            self.handover_id._check_unlocked()
        return super().write(vals)
