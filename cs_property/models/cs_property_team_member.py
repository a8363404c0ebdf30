from odoo import api, fields, models


class CsPropertyTeamMember(models.Model):
    """Membership of a user in a team, with the skills they bring to it."""

    _name = "cs.property.team.member"
    _description = "Team Member"
    _order = "team_id, sequence, id"
    _rec_name = "user_id"

    team_id = fields.Many2one("cs.property.team", required=True, index=True, ondelete="cascade")
    estate_id = fields.Many2one(related="team_id.estate_id", store=True, index=True)
    company_id = fields.Many2one(related="team_id.company_id", store=True, index=True)
    user_id = fields.Many2one(
        "res.users",
        string="User",
        required=True,
        index=True,
        ondelete="cascade",
        domain="[('share', '=', False)]",
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    skill_ids = fields.Many2many("cs.property.skill", string="Skills")
    phone = fields.Char(related="user_id.partner_id.phone", string="Phone")

    _team_user_uniq = models.Constraint(
        "unique(team_id, user_id)",
        "This user is already a member of the team.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        members = super().create(vals_list)
        members.team_id._grant_estate_access()
        return members

    def write(self, vals):
        result = super().write(vals)
        if "user_id" in vals or "team_id" in vals:
            self.team_id._grant_estate_access()
        return result

    last_dispatch_turn = fields.Integer(
        readonly=True,
        help="Turn number of the last job this member received by rotation: the member "
        "with the lowest turn gets the next one, so a skipped member keeps his turn.",
    )
