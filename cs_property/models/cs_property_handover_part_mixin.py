from odoo import fields, models


class CsPropertyHandoverPartMixin(models.AbstractModel):
    """A line of one handover inspection (an item checked, keys and cards
    handed over, a document delivered): bound to the inspection's estate and
    company for the record rules, and frozen with it — once the inspection is
    signed off, its lines change no more."""

    _name = "cs.property.handover.part.mixin"
    _description = "Handover Inspection Line"
    _inherit = ["cs.property.workflow.line.mixin"]
    _workflow_parent_field = "handover_id"
    _order = "handover_id, id"

    handover_id = fields.Many2one(
        "cs.property.handover", required=True, index=True, ondelete="cascade"
    )
    estate_id = fields.Many2one(related="handover_id.estate_id", store=True, index=True)
    company_id = fields.Many2one(related="handover_id.company_id", store=True, index=True)
