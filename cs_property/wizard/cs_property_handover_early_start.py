from odoo import fields, models


class CsPropertyHandoverEarlyStart(models.TransientModel):
    """Confirms starting a handover inspection before the booked slot."""

    _name = "cs.property.handover.early.start"
    _description = "Start Before the Booked Slot"

    appointment_id = fields.Many2one(
        "cs.property.handover.appointment", required=True, ondelete="cascade"
    )
    handover_id = fields.Many2one("cs.property.handover", ondelete="cascade")
    message = fields.Text(readonly=True)

    def action_confirm(self):
        """Start anyway: the same step, confirmed."""
        self.ensure_one()
        if self.handover_id:
            return self.handover_id.with_context(confirm_early_start=True).action_start()
        return self.appointment_id.with_context(confirm_early_start=True).action_check_in()
