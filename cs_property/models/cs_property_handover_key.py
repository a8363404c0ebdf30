from odoo import api, fields, models

KEY_TYPES = [
    ("door", "Door Key"),
    ("card", "Access Card"),
    ("mailbox", "Mailbox Key"),
    ("other", "Other Key"),
]


class CsPropertyHandoverKey(models.Model):
    """Keys and cards handed over: type, count, who received them."""

    _name = "cs.property.handover.key"
    _description = "Handover Key"
    _order = "handover_id, id"

    handover_id = fields.Many2one(
        "cs.property.handover", required=True, index=True, ondelete="cascade"
    )
    estate_id = fields.Many2one(related="handover_id.estate_id", store=True, index=True)
    company_id = fields.Many2one(related="handover_id.company_id", store=True, index=True)
    key_type = fields.Selection(KEY_TYPES, required=True, default="door")
    count = fields.Integer(default=1, required=True)
    received_by = fields.Char(required=True)

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            self.env["cs.property.handover"].browse(
                {vals["handover_id"] for vals in vals_list}
            )._check_unlocked()
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            self.handover_id._check_unlocked()
        return super().write(vals)
