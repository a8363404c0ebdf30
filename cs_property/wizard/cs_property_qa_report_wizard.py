from odoo import fields, models


class CsPropertyQaReportWizard(models.TransientModel):
    """Pick the month of the QA report: the Print menu only knows the current one."""

    _name = "cs.property.qa.report.wizard"
    _description = "Monthly QA Report"

    month = fields.Date(
        required=True,
        default=lambda self: fields.Date.context_today(self).replace(day=1),
        help="Any day of the month to report on.",
    )
    estate_ids = fields.Many2many(
        "cs.property.estate",
        string="Estates",
        required=True,
        default=lambda self: self.env["cs.property.estate"].search([]),
    )

    def action_print(self):
        self.ensure_one()
        return self.estate_ids.action_print_qa_report(self.month)
