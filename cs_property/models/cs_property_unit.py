from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Domain

UNIT_USAGES = [
    ("residential", "Residential"),
    ("commercial", "Commercial"),
    ("parking", "Parking"),
    ("storage", "Storage"),
]

UNIT_STATES = [
    ("unsold", "Unsold"),
    ("vacant", "Vacant"),
    ("occupied", "Occupied"),
    ("entrusted", "Entrusted"),
]


class CsPropertyUnit(models.Model):
    """A unit (房号): the anchor of owner files, tickets and charges."""

    _name = "cs.property.unit"
    _description = "Unit"
    _inherit = ["cs.property.estate.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "estate_id, building_id, floor, name, id"

    name = fields.Char(string="Unit Number", required=True, tracking=True, help="房号, e.g. 1201")
    active = fields.Boolean(default=True, tracking=True)
    building_id = fields.Many2one(
        "cs.property.building",
        required=True,
        index=True,
        ondelete="restrict",
        tracking=True,
    )
    estate_id = fields.Many2one(
        compute="_compute_estate_id",
        default=None,
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
    )
    floor = fields.Integer(tracking=True)
    gross_area = fields.Float(
        string="Gross Area (m²)", required=True, digits="Product Unit", tracking=True
    )
    usable_area = fields.Float(string="Usable Area (m²)", digits="Product Unit", tracking=True)
    usage = fields.Selection(UNIT_USAGES, required=True, default="residential", tracking=True)
    state = fields.Selection(
        UNIT_STATES,
        string="Status",
        required=True,
        default="unsold",
        index=True,
        tracking=True,
        help="Unsold: still held by the developer. Vacant: handed over, nobody lives "
        "there. Occupied: lived in or used. Entrusted: the owner left the keys with "
        "the management office (托管房).",
    )
    handover_date = fields.Date(tracking=True, help="Date the keys were handed to the owner.")
    warranty_start_date = fields.Date(
        string="Warranty Start",
        compute="_compute_warranty_start_date",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
        help="Completion acceptance date from which the statutory warranty periods run; "
        "taken from the building unless set here.",
    )
    occupancy_ids = fields.One2many("cs.property.occupancy", "unit_id", string="Occupancy History")
    owner_id = fields.Many2one(
        "res.partner",
        string="Current Owner",
        compute="_compute_current_parties",
        search="_search_owner_id",
    )
    tenant_id = fields.Many2one(
        "res.partner", string="Current Tenant", compute="_compute_current_parties"
    )
    primary_contact_id = fields.Many2one(
        "res.partner", string="Primary Contact", compute="_compute_current_parties"
    )
    current_partner_ids = fields.Many2many(
        "res.partner",
        string="Current Occupants",
        compute="_compute_current_parties",
        search="_search_current_partner_ids",
    )
    note = fields.Html()

    _name_building_uniq = models.Constraint(
        "unique(building_id, name)",
        "A unit number must be unique within its building.",
    )
    _estate_state_idx = models.Index("(estate_id, state)")

    @api.depends("building_id")
    def _compute_estate_id(self):
        for unit in self:
            if unit.building_id:
                unit.estate_id = unit.building_id.estate_id

    def _search_display_name(self, operator, value):
        """Find a unit the way people say it, as its name shows: "502",
        "1栋-502" or "翠湖花园 1栋-502" (every word must match, a "building-unit"
        word matches a building and a unit number)."""
        words = value.split() if isinstance(value, str) else []
        if operator not in ("ilike", "like") or not words:
            return super()._search_display_name(operator, value)
        op = operator
        domain = Domain.TRUE
        for word in words:
            alternatives = [
                Domain("name", op, word),
                Domain("building_id.name", op, word),
                Domain("estate_id.name", op, word),
                Domain("estate_id.code", op, word),
            ]
            # "1栋-502", and building names that contain a dash ("A-1-502")
            for index, char in enumerate(word):
                if char == "-" and 0 < index < len(word) - 1:
                    alternatives.append(
                        Domain("building_id.name", op, word[:index])
                        & Domain("name", op, word[index + 1 :])
                    )
            domain &= Domain.OR(alternatives)
        return domain

    @api.depends("building_id.completion_date")
    def _compute_warranty_start_date(self):
        for unit in self:
            if unit.building_id.completion_date:
                unit.warranty_start_date = unit.building_id.completion_date

    @api.depends("name", "building_id.name", "estate_id.name")
    def _compute_display_name(self):
        for unit in self:
            unit.display_name = " ".join(
                part
                for part in (
                    unit.estate_id.name,
                    "-".join(p for p in (unit.building_id.name, unit.name) if p),
                )
                if part
            )

    @api.depends(
        "occupancy_ids.partner_id",
        "occupancy_ids.role",
        "occupancy_ids.date_start",
        "occupancy_ids.date_end",
        "occupancy_ids.is_primary_contact",
    )
    @api.depends_context("date")
    def _compute_current_parties(self):
        current = self.env["cs.property.occupancy"].search(
            Domain("unit_id", "in", self.ids) & self.env["cs.property.occupancy"]._current_domain(),
            order="date_start desc, id desc",
        )
        by_unit = current.grouped("unit_id")
        empty = self.env["res.partner"]
        for unit in self:
            lines = by_unit.get(unit, self.env["cs.property.occupancy"])
            owners = lines.filtered(lambda o: o.role == "owner")
            tenants = lines.filtered(lambda o: o.role == "tenant")
            primary = lines.filtered("is_primary_contact")
            unit.owner_id = owners[:1].partner_id or empty
            unit.tenant_id = tenants[:1].partner_id or empty
            unit.primary_contact_id = (primary or tenants or owners or lines)[
                :1
            ].partner_id or empty
            unit.current_partner_ids = lines.partner_id

    def _search_owner_id(self, operator, value):
        return [
            (
                "occupancy_ids",
                "any",
                Domain("role", "=", "owner")
                & Domain("partner_id", operator, value)
                & self.env["cs.property.occupancy"]._current_domain(),
            )
        ]

    def _search_current_partner_ids(self, operator, value):
        return [
            (
                "occupancy_ids",
                "any",
                Domain("partner_id", operator, value)
                & self.env["cs.property.occupancy"]._current_domain(),
            )
        ]

    @api.constrains("gross_area", "usable_area")
    def _check_areas(self):
        for unit in self:
            if unit.gross_area <= 0:
                raise ValidationError(
                    self.env._(
                        "Unit “%(unit)s”: the gross area must be greater than zero.",
                        unit=unit.display_name,
                    )
                )
            if unit.usable_area < 0 or (unit.usable_area and unit.usable_area > unit.gross_area):
                raise ValidationError(
                    self.env._(
                        "Unit “%(unit)s”: the usable area must be positive and cannot "
                        "exceed the gross area.",
                        unit=unit.display_name,
                    )
                )

    @api.constrains("floor", "building_id")
    def _check_floor(self):
        for unit in self:
            building = unit.building_id
            if building.floor_count and unit.floor > building.floor_count:
                raise ValidationError(
                    self.env._(
                        "Unit “%(unit)s”: floor %(floor)s is above the top floor "
                        "(%(top)s) of building “%(building)s”.",
                        unit=unit.display_name,
                        floor=unit.floor,
                        top=building.floor_count,
                        building=building.name,
                    )
                )
            if unit.floor < -building.basement_count:
                raise ValidationError(
                    self.env._(
                        "Unit “%(unit)s”: floor %(floor)s is below the lowest basement "
                        "of building “%(building)s”.",
                        unit=unit.display_name,
                        floor=unit.floor,
                        building=building.name,
                    )
                )

    @api.constrains("building_id", "estate_id")
    def _check_building_estate(self):
        for unit in self:
            if unit.building_id.estate_id != unit.estate_id:
                raise ValidationError(
                    self.env._(
                        "Unit “%(unit)s”: building “%(building)s” belongs to estate "
                        "“%(other)s”, not to estate “%(estate)s”.",
                        unit=unit.name,
                        building=unit.building_id.name,
                        other=unit.building_id.estate_id.name,
                        estate=unit.estate_id.name,
                    )
                )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_with_history(self):
        if (
            self.env["cs.property.occupancy"]
            .with_context(active_test=False)
            .search_count([("unit_id", "in", self.ids)], limit=1)
        ):
            raise UserError(
                self.env._(
                    "A unit with an occupancy history cannot be deleted: archive it instead."
                )
            )

    complaint_count = fields.Integer(compute="_compute_complaint_count")

    def _compute_complaint_count(self):
        counts = dict(
            self.env["cs.property.complaint"]._read_group(
                [("unit_id", "in", self.ids)], ["unit_id"], ["__count"]
            )
        )
        for unit in self:
            unit.complaint_count = counts.get(unit, 0)

    def action_view_complaints(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "cs_property.action_cs_property_complaint"
        )
        action["domain"] = [("unit_id", "=", self.id)]
        action["context"] = {"default_unit_id": self.id, "default_estate_id": self.estate_id.id}
        return action

    def action_view_occupancies(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "cs_property.action_cs_property_occupancy"
        )
        action["domain"] = [("unit_id", "=", self.id)]
        action["context"] = {"default_unit_id": self.id, "active_test": False}
        action["display_name"] = self.display_name
        return action

    repair_count = fields.Integer(string="Service Orders", compute="_compute_repair_count")

    def _compute_repair_count(self):
        counts = (
            dict(
                self.env["cs.property.repair"]._read_group(
                    [("unit_id", "in", self.ids)], ["unit_id"], ["__count"]
                )
            )
            if self.ids
            else {}
        )
        for unit in self:
            unit.repair_count = counts.get(unit, 0)

    def action_view_repairs(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "cs_property.action_cs_property_repair"
        )
        action["domain"] = [("unit_id", "=", self.id)]
        action["context"] = {"default_unit_id": self.id, "default_estate_id": self.estate_id.id}
        action["display_name"] = self.display_name
        return action
