from odoo import fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    property_estate_ids = fields.Many2many(
        "cs.property.estate",
        "cs_property_estate_res_users_rel",
        "user_id",
        "estate_id",
        string="Estates",
        help="Estates this user works in; record rules show agents, technicians and "
        "inspectors only these estates' records.",
    )
    property_team_member_ids = fields.One2many(
        "cs.property.team.member", "user_id", string="Team Memberships"
    )
