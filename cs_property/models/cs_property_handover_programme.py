from datetime import datetime, time, timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from .cs_property_workflow_guard import AGENT

PROGRAMME_STATES = [("draft", "Planned"), ("open", "Delivering"), ("closed", "Finished")]
# half-day slots (local office hours) of a mass delivery
HALF_DAYS = ((time(9, 0), time(12, 0)), (time(14, 0), time(17, 30)))


class CsPropertyHandoverProgramme(models.Model):
    """A delivery programme (集中交付) of a building: half-day slots with a
    capacity, the owners invited and booked into them, the staff on duty."""

    _name = "cs.property.handover.programme"
    _description = "Delivery Programme"

    # who runs each step, and what freezes when (workflow mixin, README)
    _workflow_step_roles = {
        "action_generate_slots": (AGENT,),
        "action_invite_units": (AGENT,),
        "action_open": (AGENT,),
        "action_close": (AGENT,),
    }
    _workflow_locked_fields = {
        "closed": "__all__",
    }
    _inherit = ["mail.thread", "cs.property.estate.mixin", "cs.property.workflow.mixin"]
    _order = "date_start desc, id desc"

    name = fields.Char(required=True, tracking=True)
    state = fields.Selection(
        PROGRAMME_STATES,
        required=True,
        default="draft",
        tracking=True,
        copy=False,
        group_expand="_read_group_all_states",
    )
    building_id = fields.Many2one(
        "cs.property.building", required=True, index=True, domain="[('estate_id', '=', estate_id)]"
    )
    developer_id = fields.Many2one(related="building_id.developer_id", string="Developer")
    template_id = fields.Many2one(
        "cs.property.handover.template", string="Checklist", required=True
    )
    date_start = fields.Date(required=True, tracking=True)
    date_end = fields.Date(required=True, tracking=True)
    slot_capacity = fields.Integer(string="Owners per Slot", default=10, required=True)
    early_start = fields.Selection(
        [("ask", "Ask for Confirmation"), ("refuse", "Refuse")],
        string="Inspection Before the Slot",
        default="ask",
        required=True,
        tracking=True,
        help="Starting the inspection of an owner who is early, before the booked slot: "
        "ask the staff to confirm, or refuse it.",
    )
    staff_ids = fields.Many2many(
        "res.users", string="Staff on Duty", domain="[('share', '=', False)]"
    )
    slot_ids = fields.One2many("cs.property.handover.slot", "programme_id", string="Slots")
    appointment_ids = fields.One2many(
        "cs.property.handover.appointment", "programme_id", string="Owners"
    )
    invited_count = fields.Integer(compute="_compute_progress")
    booked_count = fields.Integer(compute="_compute_progress")
    not_booked_count = fields.Integer(compute="_compute_progress", string="Not Yet Booked")
    handed_over_count = fields.Integer(compute="_compute_progress")
    refused_count = fields.Integer(compute="_compute_progress")

    @api.depends("appointment_ids.state", "appointment_ids.handover_state")
    def _compute_progress(self):
        Appointment = self.env["cs.property.handover.appointment"]
        rows = Appointment._read_group(
            [("programme_id", "in", self.ids), ("state", "!=", "cancelled")],
            ["programme_id", "state", "handover_state"],
            ["__count"],
        )
        stats = {}
        for programme, state, handover_state, count in rows:
            values = stats.setdefault(
                programme.id,
                dict.fromkeys(("invited", "booked", "not_booked", "handed_over", "refused"), 0),
            )
            values["invited"] += count
            if state == "invited":
                values["not_booked"] += count
            else:
                values["booked"] += count
            if handover_state == "accepted":
                values["handed_over"] += count
            elif handover_state == "refused":
                values["refused"] += count
        for programme in self:
            values = stats.get(programme.id, {})
            programme.invited_count = values.get("invited", 0)
            programme.booked_count = values.get("booked", 0)
            programme.not_booked_count = values.get("not_booked", 0)
            programme.handed_over_count = values.get("handed_over", 0)
            programme.refused_count = values.get("refused", 0)

    @api.constrains("date_start", "date_end", "slot_capacity")
    def _check_dates(self):
        for programme in self:
            if programme.date_end < programme.date_start or programme.slot_capacity <= 0:
                raise UserError(
                    self.env._(
                        "Delivery programme %(name)s: the end date must follow the start "
                        "date and a slot must hold at least one owner.",
                        name=programme.name,
                    )
                )

    def action_generate_slots(self):
        """Two half-day slots a day over the programme's dates (one create)."""
        self.ensure_one()
        existing = set(self.slot_ids.mapped("start"))
        tz_offset = self._tz_offset()
        vals_list = []
        day = self.date_start
        while day <= self.date_end:
            for begin, end in HALF_DAYS:
                start = datetime.combine(day, begin) - tz_offset
                if start not in existing:
                    vals_list.append(
                        {
                            "programme_id": self.id,
                            "start": start,
                            "stop": datetime.combine(day, end) - tz_offset,
                            "capacity": self.slot_capacity,
                        }
                    )
            day += timedelta(days=1)
        self.env["cs.property.handover.slot"].create(vals_list)
        return True

    def _tz_offset(self):
        """The office works in the user's time zone; slots are stored in UTC."""
        now = fields.Datetime.now()
        local = fields.Datetime.context_timestamp(self, now).replace(tzinfo=None)
        return local - now

    def action_invite_units(self):
        """Invite every unit of the building not yet invited (its owner named
        by the developer, or to be filled in)."""
        self.ensure_one()
        invited = set(self.appointment_ids.unit_id.ids)
        units = self.env["cs.property.unit"].search(
            [("building_id", "=", self.building_id.id), ("id", "not in", list(invited))]
        )
        self.env["cs.property.handover.appointment"].create(
            [
                {"programme_id": self.id, "unit_id": unit.id, "partner_id": unit.owner_id.id}
                for unit in units
            ]
        )
        return True

    def action_open(self):
        for programme in self:
            if programme.state != "draft":
                raise UserError(
                    self.env._("Delivery programme %(name)s is already open.", name=programme.name)
                )
            if not programme.slot_ids:
                raise UserError(
                    self.env._(
                        "Delivery programme %(name)s: generate its slots first.",
                        name=programme.name,
                    )
                )
        self._set_state("open")
        return True

    def action_close(self):
        for programme in self:
            if programme.state != "open":
                raise UserError(
                    self.env._("Delivery programme %(name)s is not open.", name=programme.name)
                )
        self._set_state("closed")
        return True
