from odoo import fields, models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    # The workflow step an activity belongs to (cs.property.workflow.mixin):
    # lets a step find, move and close its own activity without duplicates.
    cs_step = fields.Char(string="Workflow Step", index="btree_not_null", readonly=True)
