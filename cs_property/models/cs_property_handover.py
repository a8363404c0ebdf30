from odoo import api, fields, models
from odoo.exceptions import UserError

from .cs_property_workflow_guard import AGENT, TECHNICIAN

HANDOVER_STATES = [
    ("draft", "Scheduled"),
    ("inspecting", "Inspecting"),
    ("accepted", "Accepted"),
    ("refused", "Refused until Rectified"),
    ("cancelled", "Cancelled"),
]
LOCKED_STATES = ("accepted", "refused", "cancelled")
DOCUMENT_TYPES = [
    ("quality_guarantee", "Residential Quality Guarantee"),
    ("user_manual", "Residential User Manual"),
    ("owner_manual", "Owner's Manual"),
    ("renovation_rules", "Renovation Rules"),
]
# Fields automation and the chatter may still write on a locked inspection.


class CsPropertyHandover(models.Model):
    """A joint handover inspection of a unit (收楼验房, 004, 003 §一): items
    checked room by room, meter readings, keys and documents, both
    signatures; acceptance hands the unit over and locks the record."""

    _name = "cs.property.handover"
    _description = "Handover Inspection"

    # who runs each step, and what freezes when (workflow mixin, README)
    _workflow_step_roles = {
        "action_start": (AGENT, TECHNICIAN),
        "action_mark_remaining_ok": (AGENT, TECHNICIAN),
        "action_accept": (AGENT,),
        "action_refuse": (AGENT,),
        "action_create_rework": (AGENT,),
        "action_reinspect": (AGENT,),
        "action_cancel": (AGENT,),
        "action_log_callback": (AGENT,),
        "action_view_rework": ("any",),
    }
    _workflow_locked_fields = {
        ("accepted", "refused", "cancelled"): "__all__",
    }
    _workflow_correction_state = {"accepted": "inspecting"}
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "cs.property.ticket.mixin",
        "cs.property.callback.mixin",
    ]
    _ticket_sequence_code = "cs.property.handover"

    state = fields.Selection(
        HANDOVER_STATES,
        required=True,
        default="draft",
        tracking=True,
        index=True,
        copy=False,
        group_expand="_read_group_all_states",
    )
    unit_id = fields.Many2one(required=True)
    template_id = fields.Many2one(
        "cs.property.handover.template", string="Checklist", required=True
    )
    staff_id = fields.Many2one(
        "res.users",
        string="Staff on Duty",
        default=lambda self: self.env.user,
        tracking=True,
        domain="[('share', '=', False)]",
    )
    previous_id = fields.Many2one(
        "cs.property.handover", string="Re-inspection of", readonly=True, copy=False, index=True
    )
    line_ids = fields.One2many("cs.property.handover.line", "handover_id", string="Items")
    meter_reading_ids = fields.One2many(
        "cs.property.meter.reading", "handover_id", string="Meter Readings"
    )
    key_ids = fields.One2many("cs.property.handover.key", "handover_id", string="Keys and Cards")
    document_ids = fields.One2many(
        "cs.property.handover.document", "handover_id", string="Documents Delivered"
    )
    rework_ids = fields.One2many("cs.property.rework", "handover_id", string="Rework Orders")
    item_count = fields.Integer(compute="_compute_counts", store=True)
    defect_count = fields.Integer(compute="_compute_counts", store=True)
    pending_count = fields.Integer(compute="_compute_counts", store=True, string="To Check")
    started_at = fields.Datetime(readonly=True, copy=False)
    accepted_with_defects = fields.Boolean(
        help="The owner accepts the unit with the listed defects, to be reworked."
    )
    outcome_note = fields.Text(string="Outcome Note")
    owner_signature = fields.Image(max_width=1024, max_height=1024, copy=False, attachment=True)
    staff_signature = fields.Image(max_width=1024, max_height=1024, copy=False, attachment=True)
    closed_at = fields.Datetime(string="Decided at", readonly=True, copy=False)
    charges_start_date = fields.Date(
        string="Service Charges From",
        copy=False,
        help="Date from which the service charges run; the acceptance date by default.",
    )
    first_time_accepted = fields.Boolean(
        compute="_compute_first_time", store=True, aggregator="bool_or"
    )
    first_time_rate = fields.Float(
        string="First-Time Acceptance (%)",
        compute="_compute_first_time",
        store=True,
        aggregator="avg",
    )

    defects_per_100_units = fields.Float(
        string="Defects per 100 Units",
        compute="_compute_counts",
        store=True,
        aggregator="avg",
        help="100 × the defects of this unit: averaged, the defects per 100 units.",
    )

    # ------------------------------------------------------------ computes
    @api.depends("line_ids.result")
    def _compute_counts(self):
        for handover in self:
            results = handover.line_ids.mapped("result")
            handover.item_count = len(results)
            handover.defect_count = results.count("defect")
            handover.pending_count = results.count("pending")
            handover.defects_per_100_units = 100.0 * handover.defect_count

    @api.depends("state", "previous_id")
    def _compute_first_time(self):
        for handover in self:
            handover.first_time_accepted = handover.state == "accepted" and not handover.previous_id
            handover.first_time_rate = (
                (100.0 if handover.first_time_accepted else 0.0)
                if handover.state in ("accepted", "refused")
                else 0.0
            )

    def _workflow_final_states(self):
        return LOCKED_STATES

    def _workflow_folded_states(self):
        return ("accepted", "cancelled")

    # ------------------------------------------------------------ lock
    def _check_unlocked(self):
        """Refuse while a handover is locked (its lines too: see the line mixin)."""
        for handover in self.filtered(lambda h: h.state in LOCKED_STATES):
            handover._workflow_refuse_locked(["line_ids"])
        return True

    # ------------------------------------------------------------ workflow
    def action_start(self):
        """Copy the checklist into the inspection: one create for all items.
        Before the owner's booked slot it asks for confirmation (or is
        refused, as the delivery programme says)."""
        self._check_state(("draft",), self.env._("starting the inspection"))
        early = self._early_start_check()
        if early:
            return early
        line_vals, doc_vals = [], []
        for handover in self:
            if handover.previous_id:
                items = handover.previous_id._reinspection_line_vals()
            else:
                items = handover.template_id._inspection_line_vals(handover.unit_id)
            line_vals += [dict(vals, handover_id=handover.id) for vals in items]
            doc_vals += [
                {"handover_id": handover.id, "document_type": key} for key, _label in DOCUMENT_TYPES
            ]
        self.env["cs.property.handover.line"].create(line_vals)
        self.env["cs.property.handover.document"].create(doc_vals)
        self._carry_meter_readings()
        self._set_state("inspecting", {"started_at": fields.Datetime.now()})
        return True

    def action_mark_remaining_ok(self):
        """On site the staff record the defects, then pass every item left."""
        self._check_state(("inspecting",), self.env._("passing the remaining items"))
        self.line_ids.filtered(lambda ln: ln.result == "pending").write({"result": "ok"})
        return True

    def _check_items(self):
        for handover in self:
            if handover.pending_count:
                raise UserError(
                    self.env._(
                        "Handover inspection %(name)s: %(count)s items are not checked yet.",
                        name=handover.name,
                        count=handover.pending_count,
                    )
                )
            for line in handover.line_ids:
                if line.result == "defect" and (
                    not line.description or (line.photo_required and not line.photo)
                ):
                    raise UserError(
                        self.env._(
                            "Item “%(room)s / %(item)s” is a defect: describe it and add "
                            "its photo.",
                            room=line.room,
                            item=line.name,
                        )
                    )

    def action_accept(self):
        """The owner takes the unit: handover date, status, owner, charges, callback."""
        action = self.env._("accepting the handover")
        self._check_state(("inspecting",), action)
        self._check_items()
        self._require(("owner_signature", "staff_signature"), action)
        for handover in self:
            if handover.defect_count and not handover.accepted_with_defects:
                raise UserError(
                    self.env._(
                        "Handover inspection %(name)s has %(count)s defects: refuse the "
                        "handover until they are rectified, or record that the owner "
                        "accepts with the defects listed.",
                        name=handover.name,
                        count=handover.defect_count,
                    )
                )
        now = fields.Datetime.now()
        today = fields.Date.context_today(self)
        for handover in self:
            handover._set_state(
                "accepted",
                {"closed_at": now, "charges_start_date": handover.charges_start_date or today},
            )
            handover._hand_over_unit()
        return True

    def _hand_over_unit(self):
        self.ensure_one()
        unit = self.unit_id
        day = fields.Date.context_today(self)
        unit_vals = {"handover_date": day, "charges_start_date": self.charges_start_date}
        if unit.state == "unsold":
            unit_vals["state"] = "vacant"
        unit.write(unit_vals)
        if self.partner_id and not unit.with_context(date=day).owner_id:
            self.env["cs.property.occupancy"].create(
                {
                    "unit_id": unit.id,
                    "partner_id": self.partner_id.id,
                    "role": "owner",
                    "date_start": day,
                    "is_primary_contact": True,
                }
            )

    def action_refuse(self):
        """Refused until the defects are rectified; a re-inspection follows."""
        self._check_state(("inspecting",), self.env._("refusing the handover"))
        self._check_items()
        for handover in self:
            if not handover.defect_count:
                raise UserError(
                    self.env._(
                        "Handover inspection %(name)s has no defect: there is nothing to "
                        "refuse it for.",
                        name=handover.name,
                    )
                )
        self._set_state("refused", {"closed_at": fields.Datetime.now()})
        return True

    def action_cancel(self):
        self._check_state(("draft", "inspecting"), self.env._("cancelling"))
        self._set_state("cancelled")
        return True

    # ------------------------------------------------------------ mixin hooks
    def _callback_responsible(self):
        return self.staff_id or self.create_uid
