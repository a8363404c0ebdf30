from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError


class CsPropertyBuilding(models.Model):
    _name = "cs.property.building"
    _description = "Building"
    _inherit = ["cs.property.estate.mixin", "mail.thread"]
    _order = "estate_id, sequence, name, id"

    estate_id = fields.Many2one(tracking=True)
    name = fields.Char(required=True, tracking=True, help="e.g. 1栋 / Building 1")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    floor_count = fields.Integer(string="Floors above Ground", tracking=True)
    basement_count = fields.Integer(string="Basement Floors")
    completion_date = fields.Date(
        string="Completion Acceptance Date",
        tracking=True,
        help="竣工验收日期: the statutory warranty periods of its units run from this date.",
    )
    developer_id = fields.Many2one(
        "res.partner",
        string="Developer",
        tracking=True,
        help="Developer (开发商) liable for warranty defects of this building.",
    )
    unit_ids = fields.One2many("cs.property.unit", "building_id", string="Units")
    unit_count = fields.Integer(compute="_compute_unit_count")

    _name_estate_uniq = models.Constraint(
        "unique(estate_id, name)",
        "A building name must be unique within its estate.",
    )

    def _compute_unit_count(self):
        counts = dict(
            self.env["cs.property.unit"]._read_group(
                [("building_id", "in", self.ids)], ["building_id"], ["__count"]
            )
        )
        for building in self:
            building.unit_count = counts.get(building, 0)

    @api.depends("name", "estate_id.name")
    def _compute_display_name(self):
        for building in self:
            building.display_name = " / ".join(
                part for part in (building.estate_id.name, building.name) if part
            )

    @api.constrains("floor_count", "basement_count")
    def _check_floors(self):
        for building in self:
            if building.floor_count < 0 or building.basement_count < 0:
                raise ValidationError(
                    self.env._(
                        "Building “%(name)s”: the number of floors cannot be negative.",
                        name=building.name,
                    )
                )

    def write(self, vals):
        if "estate_id" in vals and self.env["cs.property.unit"].with_context(
            active_test=False
        ).search_count([("building_id", "in", self.ids)], limit=1):
            # Units carry their own estate for record rules; moving the building
            # alone would split it between two estates.
            changed = self.filtered(lambda b: b.estate_id.id != vals["estate_id"])
            if changed:
                raise UserError(
                    self.env._(
                        "Building “%(name)s” already has units: it cannot be moved "
                        "to another estate.",
                        name=changed[0].display_name,
                    )
                )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_with_units(self):
        if (
            self.env["cs.property.unit"]
            .with_context(active_test=False)
            .search_count([("building_id", "in", self.ids)], limit=1)
        ):
            raise UserError(
                self.env._("A building that has units cannot be deleted: archive it instead.")
            )

    def action_view_units(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "cs_property.action_cs_property_unit"
        )
        action["domain"] = [("building_id", "=", self.id)]
        action["context"] = {
            "default_building_id": self.id,
            "default_estate_id": self.estate_id.id,
        }
        action["display_name"] = self.display_name
        return action
