from odoo import fields, models

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
    _inherit = ["cs.property.handover.part.mixin"]

    key_type = fields.Selection(KEY_TYPES, required=True, default="door")
    count = fields.Integer(default=1, required=True)
    received_by = fields.Char(required=True)
