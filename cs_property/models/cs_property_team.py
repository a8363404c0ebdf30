from odoo import api, fields, models

TEAM_TYPES = [
    ("customer_service", "Customer Service"),
    ("engineering", "Engineering"),
    ("cleaning", "Cleaning"),
    ("security", "Security"),
    ("greening", "Greening"),
    ("quality", "Quality"),
]


class CsPropertyTeam(models.Model):
    """A team of an estate (客服/工程/保洁/保安/绿化/品质) that tickets are routed to."""

    _name = "cs.property.team"
    _description = "Service Team"
    _inherit = ["cs.property.estate.mixin", "mail.thread"]
    _order = "estate_id, sequence, name, id"

    name = fields.Char(required=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    estate_id = fields.Many2one(tracking=True)
    team_type = fields.Selection(TEAM_TYPES, string="Type", required=True, tracking=True)
    leader_id = fields.Many2one(
        "res.users", string="Team Leader", tracking=True, domain="[('share', '=', False)]"
    )
    member_ids = fields.One2many("cs.property.team.member", "team_id", string="Members")
    member_user_ids = fields.Many2many(
        "res.users",
        "cs_property_team_member_users_rel",
        "team_id",
        "user_id",
        string="Member Users",
        compute="_compute_member_user_ids",
        store=True,
    )
    member_count = fields.Integer(compute="_compute_member_user_ids", store=True)
    color = fields.Integer()

    _name_estate_uniq = models.Constraint(
        "unique(estate_id, name)",
        "A team name must be unique within its estate.",
    )

    @api.depends("member_ids.user_id", "member_ids.active")
    def _compute_member_user_ids(self):
        for team in self:
            users = team.member_ids.filtered("active").user_id
            team.member_user_ids = users
            team.member_count = len(users)

    @api.depends("name", "estate_id.name")
    def _compute_display_name(self):
        for team in self:
            team.display_name = " / ".join(p for p in (team.estate_id.name, team.name) if p)

    @api.model_create_multi
    def create(self, vals_list):
        teams = super().create(vals_list)
        teams._grant_estate_access()
        return teams

    def write(self, vals):
        result = super().write(vals)
        if {"leader_id", "estate_id"} & set(vals):
            self._grant_estate_access()
        return result

    def _grant_estate_access(self):
        """Leaders and members work in the team's estate, so they are assigned to it."""
        for team in self.sudo():
            users = team.leader_id | team.member_ids.user_id
            missing = users - team.estate_id.user_ids
            if missing:
                team.estate_id.user_ids = [fields.Command.link(u.id) for u in missing]
