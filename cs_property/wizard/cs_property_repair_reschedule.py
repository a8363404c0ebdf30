from odoo import api, fields, models
from odoo.exceptions import ValidationError

REASONS = [
    ("weather", "Bad Weather"),
    ("no_access", "No Access to the Unit"),
    ("customer", "Customer's Request"),
    ("parts", "Waiting for Parts"),
    ("unfinished", "Not Finished"),
    ("other", "Other"),
]


class CsPropertyRepairReschedule(models.TransientModel):
    """Bad weather, no access or unfinished work: reason and a new appointment."""

    _name = "cs.property.repair.reschedule"
    _description = "Reschedule Service Order"

    repair_id = fields.Many2one("cs.property.repair", required=True)
    reason = fields.Selection(REASONS, required=True)
    note = fields.Text()
    appointment_start = fields.Datetime(string="New Appointment", required=True)

    @api.constrains("appointment_start")
    def _check_appointment(self):
        for wizard in self:
            if wizard.appointment_start <= fields.Datetime.now():
                raise ValidationError(self.env._("The new appointment must be in the future."))

    def action_confirm(self):
        self.ensure_one()
        reasons = dict(self._fields["reason"]._description_selection(self.env))
        body = self.env._(
            "Rescheduled to %(date)s: %(reason)s. %(note)s",
            date=fields.Datetime.to_string(self.appointment_start),
            reason=reasons[self.reason],
            note=self.note or "",
        )
        self.repair_id._reschedule(self.appointment_start, body)
        return {"type": "ir.actions.act_window_close"}
