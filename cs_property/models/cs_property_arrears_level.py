from odoo import fields, models

LEVEL_CODES = [
    ("contact", "Steward Contact"),
    ("visit", "Calls and Visits"),
    ("demand", "Demand Letter"),
    ("legal", "Legal Action"),
]


class CsPropertyArrearsLevel(models.Model):
    """A rung of the follow-up ladder (催缴): when it applies and who acts."""

    _name = "cs.property.arrears.level"
    _description = "Arrears Follow-up Level"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    code = fields.Selection(LEVEL_CODES, string="Action", required=True)
    company_id = fields.Many2one("res.company", help="Empty: every company.")
    min_days = fields.Integer(
        string="Days Overdue",
        required=True,
        help="The level applies when the oldest unpaid charge is this many days past due.",
    )
    min_amount = fields.Monetary(
        string="Or Overdue Balance Above",
        currency_field="currency_id",
        help="The level also applies when the overdue balance exceeds this amount (0: never).",
    )
    currency_id = fields.Many2one("res.currency", default=lambda self: self.env.company.currency_id)
    deadline_days = fields.Integer(
        string="Deadline (days)",
        default=7,
        help="Days the actors have for their activity; for a demand letter, the payment "
        "deadline printed on it.",
    )
    notify_steward = fields.Boolean(string="Steward")
    notify_supervisor = fields.Boolean(string="CS Supervisor")
    notify_manager = fields.Boolean(string="CS Manager")
    notify_project_manager = fields.Boolean(string="Project Manager")

    def _applies(self, days, amount):
        self.ensure_one()
        return days >= self.min_days or bool(self.min_amount and amount > self.min_amount)
