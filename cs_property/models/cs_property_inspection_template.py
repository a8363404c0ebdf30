from odoo import fields, models

from .cs_property_inspection_standard import SERVICES


class CsPropertyInspectionTemplate(models.Model):
    """A check register (服务质量检查登记表): the standard items an inspection
    covers. Inspections copy the items when created, so editing a template
    never rewrites an inspection already made."""

    _name = "cs.property.inspection.template"
    _description = "Inspection Template"
    _order = "sequence, name, id"

    name = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    service = fields.Selection(SERVICES, help="Leave empty for a register across services.")
    standard_ids = fields.Many2many(
        "cs.property.inspection.standard",
        "cs_property_inspection_template_standard_rel",
        "template_id",
        "standard_id",
        string="Items",
    )
    item_count = fields.Integer(compute="_compute_item_count")
    company_id = fields.Many2one("res.company", help="Leave empty to share with every company.")

    def _compute_item_count(self):
        for template in self:
            template.item_count = len(template.standard_ids)

    def _line_commands(self):
        """Commands creating an inspection's lines: an area heading, then a
        copy of each item of that area, area after area."""
        self.ensure_one()
        commands = []
        area = None
        for item in self.standard_ids.sorted(lambda s: (s.area, s.sequence, s.id)):
            if item.area != area:
                area = item.area
                commands.append(
                    fields.Command.create(
                        {
                            "display_type": "line_section",
                            "sequence": len(commands),
                            "area": area,
                            "name": area,
                        }
                    )
                )
            commands.append(
                fields.Command.create(
                    {
                        "standard_id": item.id,
                        "sequence": len(commands),
                        "service": item.service,
                        "area": item.area,
                        "name": item.name,
                        "method": item.method,
                        "requirement": item.requirement,
                        "check_type": item.check_type,
                        "min_value": item.min_value,
                        "max_value": item.max_value,
                        "uom": item.uom,
                        "weight": item.weight,
                    }
                )
            )
        return commands
