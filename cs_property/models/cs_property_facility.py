from odoo import api, fields, models

FACILITY_TYPES = [
    ("elevator", "Elevator"),
    ("plant_room", "Plant Room"),
    ("garden", "Garden"),
    ("car_park", "Car Park"),
    ("lobby", "Lobby / Corridor"),
    ("road", "Road / Square"),
    ("amenity", "Amenity"),
    ("other", "Other"),
]


class CsPropertyFacility(models.Model):
    """A common area or shared installation (公共区域/设施设备) that tickets and
    inspections can point at instead of a private unit."""

    _name = "cs.property.facility"
    _description = "Common Area / Facility"
    _inherit = ["cs.property.estate.mixin", "mail.thread"]
    _order = "estate_id, facility_type, name, id"

    name = fields.Char(required=True, tracking=True)
    code = fields.Char(tracking=True, help="Asset or location code.")
    active = fields.Boolean(default=True, tracking=True)
    estate_id = fields.Many2one(tracking=True)
    facility_type = fields.Selection(
        FACILITY_TYPES, string="Type", required=True, default="other", tracking=True
    )
    building_id = fields.Many2one(
        "cs.property.building",
        index=True,
        tracking=True,
        domain="[('estate_id', '=', estate_id)]",
        help="Leave empty for estate-wide areas such as gardens and roads.",
    )
    location = fields.Char()
    note = fields.Html()

    _code_estate_uniq = models.Constraint(
        "unique(estate_id, code)",
        "A facility code must be unique within its estate.",
    )

    @api.depends("name", "building_id.name")
    def _compute_display_name(self):
        for facility in self:
            facility.display_name = " / ".join(
                part for part in (facility.building_id.name, facility.name) if part
            )
