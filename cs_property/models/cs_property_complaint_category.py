from odoo import fields, models

COMPLAINT_TYPES = [
    ("engineering", "Engineering / Repair"),
    ("customer_service", "Customer Service"),
    ("security", "Security"),
    ("environment", "Environment"),
]


class CsPropertyComplaintCategory(models.Model):
    """Sub-category of a complaint under one of the four procedure classes
    (工程维修类/客服类/安全服务类/环境类)."""

    _name = "cs.property.complaint.category"
    _description = "Complaint Category"
    # "id" on purpose: statistics group complaints by category, and the ORM joins
    # any other order into every GROUP BY (type, sequence, translated name cost an
    # on-disk sort over a million complaints; even "sequence, id" doubles the
    # time). The configuration list sorts by its sequence handle (default_order).
    _order = "id"

    name = fields.Char(required=True, translate=True)
    complaint_type = fields.Selection(COMPLAINT_TYPES, string="Class", required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    team_type = fields.Selection(
        # the team's labels in the user's language, not its English source
        selection=lambda self: (
            self.env["cs.property.team"]._fields["team_type"]._description_selection(self.env)
        ),
        string="Handled by",
        help="Type of team complaints of this category are routed to by default.",
    )
