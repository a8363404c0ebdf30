from odoo import api, fields, models
from odoo.exceptions import UserError


class CsPropertyHandoverSlot(models.Model):
    """A half-day slot of a delivery programme with its capacity."""

    _name = "cs.property.handover.slot"
    _description = "Delivery Slot"
    _order = "start, id"

    programme_id = fields.Many2one(
        "cs.property.handover.programme", required=True, index=True, ondelete="cascade"
    )
    estate_id = fields.Many2one(related="programme_id.estate_id", store=True, index=True)
    company_id = fields.Many2one(related="programme_id.company_id", store=True, index=True)
    start = fields.Datetime(required=True)
    stop = fields.Datetime(required=True)
    capacity = fields.Integer(required=True, default=10)
    appointment_ids = fields.One2many(
        "cs.property.handover.appointment", "slot_id", string="Appointments"
    )
    booked_count = fields.Integer(compute="_compute_booked_count", store=True, string="Booked")
    free_count = fields.Integer(compute="_compute_booked_count", store=True, string="Free Places")

    @api.depends("capacity", "appointment_ids.state")
    def _compute_booked_count(self):
        rows = dict(
            self.env["cs.property.handover.appointment"]._read_group(
                [("slot_id", "in", self.ids), ("state", "in", ("booked", "checked_in"))],
                ["slot_id"],
                ["__count"],
            )
        )
        for slot in self:
            slot.booked_count = rows.get(slot, 0)
            slot.free_count = slot.capacity - slot.booked_count

    @api.depends("start", "stop", "booked_count", "capacity")
    def _compute_display_name(self):
        for slot in self:
            if slot.start:
                start = fields.Datetime.context_timestamp(slot, slot.start)
                stop = fields.Datetime.context_timestamp(slot, slot.stop)
                slot.display_name = (
                    f"{start:%Y-%m-%d %H:%M}–{stop:%H:%M} ({slot.booked_count}/{slot.capacity})"
                )
            else:
                slot.display_name = False

    @api.constrains("start", "stop", "capacity")
    def _check_slot(self):
        for slot in self:
            if slot.stop <= slot.start or slot.capacity <= 0:
                raise UserError(
                    self.env._(
                        "A delivery slot must end after it starts and hold at least one owner."
                    )
                )

    def _lock_and_check_free(self):
        """Row lock on the slot: a second agent booking the last place waits
        here until the first one commits, then counts the place as taken."""
        self.ensure_one()
        self.env.cr.execute(
            "SELECT id FROM cs_property_handover_slot WHERE id = %s FOR UPDATE", [self.id]
        )
        self.env.flush_all()
        taken = (
            self.env["cs.property.handover.appointment"]
            .sudo()
            .search_count([("slot_id", "=", self.id), ("state", "in", ("booked", "checked_in"))])
        )
        if taken >= self.capacity:
            raise UserError(
                self.env._(
                    "The slot %(slot)s is full: its %(capacity)s places are booked. Choose "
                    "another slot.",
                    slot=self.display_name,
                    capacity=self.capacity,
                )
            )
        return True
