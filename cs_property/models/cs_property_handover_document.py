from odoo import api, fields, models

from .cs_property_handover import DOCUMENT_TYPES


class CsPropertyHandoverDocument(models.Model):
    """A document delivered at handover (住宅质量保证书, 住宅使用说明书…)."""

    _name = "cs.property.handover.document"
    _description = "Handover Document"
    _order = "handover_id, id"

    handover_id = fields.Many2one(
        "cs.property.handover", required=True, index=True, ondelete="cascade"
    )
    estate_id = fields.Many2one(related="handover_id.estate_id", store=True, index=True)
    company_id = fields.Many2one(related="handover_id.company_id", store=True, index=True)
    document_type = fields.Selection(DOCUMENT_TYPES, required=True)
    delivered = fields.Boolean()
    count = fields.Integer(default=1)

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            self.env["cs.property.handover"].browse(
                {vals["handover_id"] for vals in vals_list}
            )._check_unlocked()
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            self.handover_id._check_unlocked()
        return super().write(vals)
