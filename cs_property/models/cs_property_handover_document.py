from odoo import fields, models

from .cs_property_handover import DOCUMENT_TYPES


class CsPropertyHandoverDocument(models.Model):
    """A document delivered at handover (住宅质量保证书, 住宅使用说明书…)."""

    _name = "cs.property.handover.document"
    _description = "Handover Document"
    _inherit = ["cs.property.handover.part.mixin"]

    document_type = fields.Selection(DOCUMENT_TYPES, required=True)
    delivered = fields.Boolean()
    count = fields.Integer(default=1)
