from datetime import datetime, time, timedelta

from dateutil import parser as date_parser
from pytz import UTC, timezone

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain


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
    bookable = fields.Boolean(
        string="Open for Booking",
        compute="_compute_bookable",
        search="_search_bookable",
        help="The slot is still to come and has free places.",
    )

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

    @api.depends("start", "free_count")
    def _compute_bookable(self):
        now = fields.Datetime.now()
        for slot in self:
            slot.bookable = bool(slot.start and slot.start > now and slot.free_count > 0)

    def _search_bookable(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        domain = Domain("start", ">", fields.Datetime.now()) & Domain("free_count", ">", 0)
        return domain if (operator == "=") == value else ~domain

    @api.model
    def _search_display_name(self, operator, value):
        """The slot picker is searched by date: "2026-12-08", "12-08", "12/8"
        (the year defaults to this one) finds that day's slots, local time."""
        if operator in ("ilike", "=ilike", "=") and isinstance(value, str):
            if not value.strip():
                return Domain.TRUE
            day = self._parse_day(value.strip())
            if not day:
                return Domain.FALSE
            tz = timezone(self.env.context.get("tz") or self.env.user.tz or "UTC")
            start = tz.localize(datetime.combine(day, time.min)).astimezone(UTC)
            start = start.replace(tzinfo=None)
            return Domain("start", ">=", start) & Domain("start", "<", start + timedelta(days=1))
        return super()._search_display_name(operator, value)

    @api.model
    def _parse_day(self, text):
        if not any(char.isdigit() for char in text):
            return False
        today = fields.Date.context_today(self)
        default = datetime.combine(today.replace(day=1), time.min)
        try:
            return date_parser.parse(text, default=default, yearfirst=True).date()
        except (ValueError, OverflowError):
            return False

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

    def _check_bookable_for(self, appointment):
        """Refuse booking ``appointment`` into this slot: a slot of another
        programme (or building), a slot already begun or past, a full slot."""
        self.ensure_one()
        programme = appointment.programme_id
        if self.programme_id != programme:
            raise UserError(
                self.env._(
                    "Appointment %(name)s: the slot %(slot)s belongs to the delivery programme "
                    "“%(other)s” (%(building)s), not to “%(programme)s”. Choose a slot of its "
                    "own programme.",
                    name=appointment.display_name,
                    slot=self.display_name,
                    other=self.programme_id.name,
                    building=self.programme_id.building_id.display_name,
                    programme=programme.name,
                )
            )
        # data files (the demo's history) record bookings of past slots
        if self.start <= fields.Datetime.now() and not self.env.su:
            raise UserError(
                self.env._(
                    "Appointment %(name)s: the slot %(slot)s has already begun or is over. "
                    "Choose a slot still to come.",
                    name=appointment.display_name,
                    slot=self.display_name,
                )
            )
        return self._lock_and_check_free(appointment)

    def _lock_and_check_free(self, appointment=None):
        """Row lock on the slot: a second agent booking the last place waits
        here until the first one commits, then counts the place as taken."""
        self.ensure_one()
        self.env.cr.execute(
            "SELECT id FROM cs_property_handover_slot WHERE id = %s FOR UPDATE", [self.id]
        )
        self.env.flush_all()
        domain = [("slot_id", "=", self.id), ("state", "in", ("booked", "checked_in"))]
        if appointment:
            domain.append(("id", "!=", appointment.id))
        taken = self.env["cs.property.handover.appointment"].sudo().search_count(domain)
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
