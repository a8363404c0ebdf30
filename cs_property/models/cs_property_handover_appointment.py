from odoo import api, fields, models
from odoo.exceptions import UserError

from .cs_property_handover import HANDOVER_STATES
from .cs_property_workflow_guard import AGENT, TECHNICIAN

APPOINTMENT_STATES = [
    ("invited", "Invited"),
    ("booked", "Booked"),
    ("checked_in", "Inspection Started"),
    ("no_show", "No-show"),
    ("cancelled", "Cancelled"),
]


class CsPropertyHandoverAppointment(models.Model):
    """An owner invited to a delivery programme and booked into a slot."""

    _name = "cs.property.handover.appointment"
    _description = "Handover Appointment"

    # who runs each step, and what freezes when (workflow mixin, README)
    _workflow_step_roles = {
        "action_book": (AGENT,),
        "action_reschedule": (AGENT,),
        "action_no_show": (AGENT,),
        "action_cancel": (AGENT,),
        "action_check_in": (AGENT, TECHNICIAN),
    }
    _workflow_locked_fields = {
        "cancelled": "__all__",
    }
    _inherit = ["mail.thread", "mail.activity.mixin", "cs.property.workflow.mixin"]
    _order = "slot_start, id"

    programme_id = fields.Many2one(
        "cs.property.handover.programme", required=True, index=True, ondelete="restrict"
    )
    estate_id = fields.Many2one(related="programme_id.estate_id", store=True, index=True)
    company_id = fields.Many2one(related="programme_id.company_id", store=True, index=True)
    building_id = fields.Many2one(related="programme_id.building_id", store=True)
    unit_id = fields.Many2one("cs.property.unit", required=True, index=True)
    partner_id = fields.Many2one("res.partner", string="Owner", index=True, tracking=True)
    phone = fields.Char(related="partner_id.phone")
    state = fields.Selection(
        APPOINTMENT_STATES,
        required=True,
        default="invited",
        tracking=True,
        index=True,
        copy=False,
        group_expand="_read_group_all_states",
    )
    slot_id = fields.Many2one(
        "cs.property.handover.slot", readonly=True, index=True, tracking=True, copy=False
    )
    slot_choice_id = fields.Many2one(
        "cs.property.handover.slot",
        string="Slot Wanted",
        domain="[('programme_id', '=', programme_id), ('bookable', '=', True)]",
        copy=False,
        help="Slots of this programme still to come with free places; type a date "
        "(e.g. 12-08) to find that day's slots.",
    )
    slot_start = fields.Datetime(related="slot_id.start", store=True, string="Appointment")
    slot_stop = fields.Datetime(related="slot_id.stop", store=True, string="Appointment End")
    reschedule_count = fields.Integer(readonly=True, copy=False)
    handover_id = fields.Many2one(
        "cs.property.handover", string="First Inspection", readonly=True, copy=False
    )
    latest_handover_id = fields.Many2one(
        "cs.property.handover",
        string="Latest Inspection",
        compute="_compute_handover_result",
        store=True,
        help="The inspection of the unit now: the re-inspection after a refusal.",
    )
    handover_state = fields.Selection(
        HANDOVER_STATES,
        compute="_compute_handover_result",
        store=True,
        string="Handover Result",
        help="Accepted once any inspection of the unit is accepted (a re-inspection "
        "included); refused until rectified while only refusals are decided.",
    )

    _programme_unit_uniq = models.Constraint(
        "unique(programme_id, unit_id)", "A unit is invited once per delivery programme."
    )

    @api.depends("unit_id", "partner_id")
    def _compute_display_name(self):
        for appointment in self:
            appointment.display_name = " ".join(
                p for p in (appointment.unit_id.display_name, appointment.partner_id.name) if p
            )

    @api.depends("handover_id.chain_ids.state")
    def _compute_handover_result(self):
        for appointment in self:
            chain = appointment.handover_id.chain_ids
            states = set(chain.mapped("state"))
            appointment.latest_handover_id = chain.sorted("id")[-1:]
            if "accepted" in states:
                appointment.handover_state = "accepted"
            elif "refused" in states:
                appointment.handover_state = "refused"
            else:
                appointment.handover_state = appointment.latest_handover_id.state

    def _guard(self, states, action):
        for appointment in self:
            if appointment.state not in states:
                raise UserError(
                    self.env._(
                        "Appointment %(name)s is “%(state)s”: %(action)s is not possible now.",
                        name=appointment.display_name,
                        state=appointment._state_label(appointment.state),
                        action=action,
                    )
                )

    def _take_slot(self):
        for appointment in self:
            slot = appointment.slot_choice_id
            if not slot:
                raise UserError(
                    self.env._(
                        "Appointment %(name)s: choose the slot first.",
                        name=appointment.display_name,
                    )
                )
            if not appointment.partner_id:
                raise UserError(
                    self.env._(
                        "Appointment %(name)s: name the owner (buyer) first.",
                        name=appointment.display_name,
                    )
                )
            if appointment.unit_id.building_id != appointment.programme_id.building_id:
                raise UserError(
                    self.env._(
                        "Appointment %(name)s: the unit is not in %(building)s, the building "
                        "of the delivery programme “%(programme)s”.",
                        name=appointment.display_name,
                        building=appointment.programme_id.building_id.display_name,
                        programme=appointment.programme_id.name,
                    )
                )
            slot._check_bookable_for(appointment)
            appointment._set_state("booked", {"slot_id": slot.id, "slot_choice_id": False})

    def action_book(self):
        self._guard(("invited",), self.env._("booking"))
        self._take_slot()
        return True

    def action_reschedule(self):
        self._guard(("booked", "no_show"), self.env._("rescheduling"))
        for appointment in self:
            appointment.reschedule_count += 1
        self._take_slot()
        return True

    def book_slot(self, slot_id):
        """Book (or move) the appointment into ``slot_id``: for imports and RPC."""
        self.write({"slot_choice_id": slot_id})
        if self.state == "invited":
            return self.action_book()
        return self.action_reschedule()

    def action_no_show(self):
        self._guard(("booked",), self.env._("recording a no-show"))
        now = fields.Datetime.now()
        for appointment in self:
            if appointment.slot_id.start > now:
                raise UserError(
                    self.env._(
                        "Appointment %(name)s: the slot has not started yet.",
                        name=appointment.display_name,
                    )
                )
        self._set_state("no_show")
        return True

    def action_cancel(self):
        self._guard(("invited", "booked", "no_show"), self.env._("cancelling"))
        self._set_state("cancelled")
        return True

    def action_check_in(self):
        """The owner is here: the joint inspection starts from the checklist.
        Before the booked slot it asks for confirmation (or is refused, as the
        programme says); ``confirm_early_start`` in the context confirms."""
        self._guard(("booked",), self.env._("starting the inspection"))
        self.ensure_one()
        early = self._early_start_check()
        if early:
            return early
        handover = self.env["cs.property.handover"].create(
            {
                "estate_id": self.estate_id.id,
                "unit_id": self.unit_id.id,
                "partner_id": self.partner_id.id,
                "template_id": self.programme_id.template_id.id,
            }
        )
        handover.action_start()
        self._set_state("checked_in", {"handover_id": handover.id})
        return {
            "type": "ir.actions.act_window",
            "res_model": "cs.property.handover",
            "res_id": handover.id,
            "view_mode": "form",
        }

    # ------------------------------------------------------------ early start
    def _early_start_check(self, handover=None):
        """Before the booked slot: refuse, or return the confirmation dialog
        (``None`` when the slot has begun or the start is confirmed)."""
        now = fields.Datetime.now()
        early = self.filtered(lambda a: a.state == "booked" and a.slot_id.start > now)
        if not early or self.env.su:
            return None
        appointment = early[0]
        programme = appointment.programme_id
        slot = appointment.slot_id.display_name
        if programme.early_start == "refuse":
            raise UserError(
                self.env._(
                    "Appointment %(name)s is booked for %(slot)s: the delivery programme "
                    "“%(programme)s” does not start inspections before the booked slot.",
                    name=appointment.display_name,
                    slot=slot,
                    programme=programme.name,
                )
            )
        if self.env.context.get("confirm_early_start"):
            return None
        wizard = self.env["cs.property.handover.early.start"].create(
            {
                "appointment_id": appointment.id,
                "handover_id": handover.id if handover else False,
                "message": self.env._(
                    "Appointment %(name)s is booked for %(slot)s, which has not begun yet. "
                    "Start the inspection now anyway?",
                    name=appointment.display_name,
                    slot=slot,
                ),
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": wizard._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Start Before the Booked Slot?"),
        }
