from odoo import fields, models


class CsPropertySkill(models.Model):
    """A trade a technician masters (plumbing, electrical, lifts…); dispatch
    skips technicians who lack the skill a job needs."""

    _name = "cs.property.skill"
    _description = "Technician Skill"
    _order = "name"

    name = fields.Char(required=True, translate=True)
    color = fields.Integer()
    active = fields.Boolean(default=True)

    _name_uniq = models.Constraint("unique(name)", "A skill with this name already exists.")
