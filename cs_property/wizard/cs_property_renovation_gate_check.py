from odoo import api, fields, models

RESULTS = [
    ("valid", "Valid: Let In"),
    ("invalid", "Invalid: Refuse Entry"),
    ("expired", "Expired: Refuse Entry"),
]


class CsPropertyRenovationGateCheck(models.TransientModel):
    """The gate: type or scan a pass number and see whether the worker may enter."""

    _name = "cs.property.renovation.gate.check"
    _description = "Renovation Pass Gate Check"

    number = fields.Char(string="Pass Number")
    result = fields.Selection(RESULTS, compute="_compute_result")
    reason = fields.Char(compute="_compute_result")

    @api.depends("number")
    def _compute_result(self):
        Pass = self.env["cs.property.renovation.pass"]
        for check in self:
            if check.number:
                check.result, check.reason = Pass.gate_check(check.number)
            else:
                check.result = check.reason = False
