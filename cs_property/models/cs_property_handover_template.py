from odoo import fields, models


class CsPropertyHandoverTemplate(models.Model):
    """A handover checklist (验房表): rooms → items. Inspections copy its lines
    when they start, so editing a template never rewrites past inspections."""

    _name = "cs.property.handover.template"
    _description = "Handover Checklist"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", index=True, help="Empty: every company.")
    line_ids = fields.One2many(
        "cs.property.handover.template.line", "template_id", string="Items", copy=True
    )
    item_count = fields.Integer(compute="_compute_item_count")

    def _compute_item_count(self):
        counts = dict(
            self.env["cs.property.handover.template.line"]._read_group(
                [("template_id", "in", self.ids)], ["template_id"], ["__count"]
            )
        )
        for template in self:
            template.item_count = counts.get(template, 0)

    def _inspection_line_vals(self, unit):
        """Values of the inspection items for ``unit``: bedroom rooms repeat
        once per bedroom of the unit's layout (卧室1…n)."""
        self.ensure_one()
        bedrooms = max(unit.bedroom_count, 1)
        vals_list = []
        sequence = 0
        for line in self.line_ids:
            rooms = (
                [f"{line.room}{index}" for index in range(1, bedrooms + 1)]
                if line.per_bedroom and bedrooms > 1
                else [line.room]
            )
            for room in rooms:
                sequence += 1
                vals_list.append(
                    {
                        "sequence": sequence,
                        "room": room,
                        "name": line.name,
                        "category_id": line.category_id.id,
                        "photo_required": line.photo_required,
                    }
                )
        return vals_list
