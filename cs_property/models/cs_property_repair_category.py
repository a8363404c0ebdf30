from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CsPropertyRepairCategory(models.Model):
    """Kind of fault (plumbing, electrical…): the skill it needs and the
    statutory warranty period that runs from completion acceptance
    (建设工程质量管理条例 art.40)."""

    _name = "cs.property.repair.category"
    _description = "Repair Category"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    skill_id = fields.Many2one(
        "cs.property.skill", string="Skill Needed", help="Dispatch skips technicians without it."
    )
    warranty_months = fields.Integer(
        string="Warranty (months)",
        help="Statutory warranty from the unit's completion acceptance; 0 means not covered.",
    )
    team_type = fields.Selection(
        # the team's labels in the user's language, not its English source
        selection=lambda self: (
            self.env["cs.property.team"]._fields["team_type"]._description_selection(self.env)
        ),
        string="Handled by",
        default="engineering",
        help="Type of team service orders of this category are proposed to.",
    )
    product_id = fields.Many2one(
        "product.product",
        string="Default Service",
        domain="[('type', '=', 'service')]",
        help="Paid-service price list item proposed on out-of-warranty orders.",
    )

    @api.constrains("warranty_months")
    def _check_warranty(self):
        for category in self:
            if category.warranty_months < 0:
                raise ValidationError(
                    self.env._(
                        "Repair category “%(name)s”: the warranty cannot be negative.",
                        name=category.name,
                    )
                )
