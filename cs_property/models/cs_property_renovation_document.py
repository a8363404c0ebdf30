from odoo import fields, models


class CsPropertyRenovationDocument(models.Model):
    """A document handed in with an application (copy of ID, licence, drawings…)."""

    _name = "cs.property.renovation.document"
    _description = "Renovation Document"
    _order = "renovation_id, id"

    renovation_id = fields.Many2one(
        "cs.property.renovation", required=True, index=True, ondelete="cascade"
    )
    estate_id = fields.Many2one(related="renovation_id.estate_id", store=True, index=True)
    company_id = fields.Many2one(related="renovation_id.company_id", store=True, index=True)
    type_id = fields.Many2one(
        "cs.property.renovation.document.type", string="Document", required=True
    )
    file = fields.Binary(attachment=True, required=True)
    file_name = fields.Char()
    note = fields.Char()
