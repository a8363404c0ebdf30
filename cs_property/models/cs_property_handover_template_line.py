from odoo import fields, models


class CsPropertyHandoverTemplateLine(models.Model):
    """One item to check in a room, with the warranty class a defect falls
    under (建设工程质量管理条例 art. 40, through the repair categories)."""

    _name = "cs.property.handover.template.line"
    _description = "Handover Checklist Item"
    _order = "template_id, sequence, id"

    template_id = fields.Many2one(
        "cs.property.handover.template", required=True, index=True, ondelete="cascade"
    )
    sequence = fields.Integer(default=10)
    room = fields.Char(required=True, help="e.g. 入户门, 客厅, 卧室, 厨房, 卫生间, 阳台, 外窗.")
    per_bedroom = fields.Boolean(
        string="Once per Bedroom", help="Repeated for each bedroom of the unit (卧室1…n)."
    )
    name = fields.Char(string="Item", required=True)
    category_id = fields.Many2one(
        "cs.property.repair.category",
        string="Warranty Class",
        required=True,
        help="Statutory warranty class of a defect of this item.",
    )
    photo_required = fields.Boolean(
        string="Photo on Defect", default=True, help="A defect must have a photo and a comment."
    )
