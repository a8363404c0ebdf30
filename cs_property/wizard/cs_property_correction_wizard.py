from odoo import api, fields, models


class CsPropertyCorrectionWizard(models.TransientModel):
    """Reopen a locked workflow record for correction, with the reason."""

    _name = "cs.property.correction.wizard"
    _description = "Reopen for Correction"

    res_model = fields.Char(string="Document Model", required=True, readonly=True)
    res_ids = fields.Char(string="Record IDs", required=True, readonly=True)
    reason = fields.Text(required=True)
    record_names = fields.Char(compute="_compute_record_names", string="Records")

    @api.depends("res_model", "res_ids")
    def _compute_record_names(self):
        for wizard in self:
            wizard.record_names = ", ".join(wizard._records().mapped("display_name"))

    def _records(self):
        self.ensure_one()
        Model = self.env.get(self.res_model or "")
        if Model is None or "_workflow_correct" not in dir(Model):
            return self.env["cs.property.workflow.mixin"]
        ids = [int(i) for i in (self.res_ids or "").strip("[]").split(",") if i.strip()]
        return self.env[self.res_model].browse(ids)

    def action_confirm(self):
        self._records()._workflow_correct(self.reason)
        return {"type": "ir.actions.act_window_close"}
