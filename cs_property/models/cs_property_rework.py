from odoo import api, fields, models
from odoo.exceptions import UserError

from .cs_property_workflow_guard import AGENT, TECHNICIAN
from .cs_property_workflow_mixin import report_action_for_rpc

REWORK_STATES = [
    ("draft", "Draft"),
    ("issued", "Issued to Developer"),
    ("acknowledged", "Receipt Acknowledged"),
    ("in_progress", "Rework in Progress"),
    ("contractor_done", "Done by Contractor"),
    ("reinspected", "Re-inspection Passed"),
    ("confirmed", "Confirmed by Owner"),
    ("closed", "Closed"),
    ("cancelled", "Cancelled"),
]
REWORK_OPEN_STATES = ("draft", "issued", "acknowledged", "in_progress", "contractor_done")
# The contractor owes work in these states: a passed promise date makes the order overdue.
REWORK_OWED_STATES = ("issued", "acknowledged", "in_progress")
REWORK_SEVERITIES = [
    ("minor", "Minor Defect"),
    ("normal", "Ordinary Defect"),
    ("major", "Major Defect"),
]
REWORK_SOURCES = [
    ("handover", "Handover Inspection"),
    ("repair", "Service Order"),
    ("owner", "Owner's Report"),
]


class CsPropertyRework(models.Model):
    """A developer-warranty rework order (返修单, 000 返修管理规定): issued to the
    developer or its contractor, who signs for it, does the work; staff
    re-inspect on site and the owner confirms in writing before it closes."""

    _name = "cs.property.rework"
    _description = "Rework Order"

    # who runs each step, and what freezes when (workflow mixin, README)
    _workflow_step_roles = {
        "action_issue": (AGENT,),
        "action_acknowledge": (AGENT,),
        "action_start": (AGENT, TECHNICIAN),
        "action_contractor_done": (AGENT, TECHNICIAN),
        "action_reinspect_pass": (AGENT, TECHNICIAN),
        "action_reinspect_fail": (AGENT, TECHNICIAN),
        "action_owner_confirm": (AGENT,),
        "action_close": (AGENT,),
        "action_cancel": (AGENT,),
        "action_dispute": (AGENT,),
        "action_print_letter": (AGENT,),
        "action_view_repair": ("any",),
    }
    _workflow_locked_fields = {
        ("closed", "cancelled"): "__all__",
        ("acknowledged", "in_progress", "contractor_done", "reinspected", "confirmed"): (
            "acknowledged_by",
            "acknowledgement_signature",
            "acknowledged_at",
            "promised_date",
            "issued_at",
        ),
    }
    _workflow_correction_state = {"closed": "confirmed"}
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "cs.property.ticket.mixin",
        "cs.property.sla.mixin",
    ]
    _ticket_sequence_code = "cs.property.rework"

    state = fields.Selection(
        REWORK_STATES,
        required=True,
        default="draft",
        tracking=True,
        index=True,
        copy=False,
        group_expand="_read_group_all_states",
    )
    source = fields.Selection(REWORK_SOURCES, required=True, default="owner", string="Origin")
    severity = fields.Selection(
        REWORK_SEVERITIES, required=True, default="normal", tracking=True, index=True
    )
    user_id = fields.Many2one(
        "res.users",
        string="Followed up by",
        default=lambda self: self.env.user,
        tracking=True,
        index=True,
        domain="[('share', '=', False)]",
        help="The customer-service agent who chases the order (主控部门).",
    )
    developer_id = fields.Many2one(
        "res.partner",
        compute="_compute_parties",
        store=True,
        readonly=False,
        precompute=True,
        index=True,
        tracking=True,
        string="Developer",
    )
    contractor_id = fields.Many2one(
        "res.partner",
        compute="_compute_parties",
        store=True,
        readonly=False,
        precompute=True,
        index=True,
        tracking=True,
        string="Contractor",
    )
    line_ids = fields.One2many("cs.property.rework.line", "rework_id", string="Defects", copy=True)
    line_count = fields.Integer(compute="_compute_line_count", store=True)
    progress_ids = fields.One2many("cs.property.rework.progress", "rework_id", string="Progress")
    repair_id = fields.Many2one(
        "cs.property.repair", string="Service Order", index="btree_not_null", copy=False
    )
    handover_id = fields.Many2one(
        "cs.property.handover", string="Handover Inspection", index="btree_not_null", copy=False
    )
    issued_at = fields.Datetime(readonly=True, copy=False)
    acknowledged_at = fields.Datetime(readonly=True, copy=False)
    acknowledged_by = fields.Char(
        string="Signed for by", copy=False, help="Who signed for the order at the contractor."
    )
    acknowledgement_signature = fields.Image(
        max_width=1024, max_height=1024, copy=False, attachment=True
    )
    promised_date = fields.Date(tracking=True, copy=False)
    contractor_done_at = fields.Datetime(readonly=True, copy=False)
    reinspected_at = fields.Datetime(readonly=True, copy=False)
    reinspected_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    reinspection_note = fields.Text(copy=False)
    reinspection_fail_count = fields.Integer(readonly=True, copy=False, tracking=True)
    owner_signature = fields.Image(max_width=1024, max_height=1024, copy=False, attachment=True)
    owner_comment = fields.Text(copy=False)
    confirmed_at = fields.Datetime(readonly=True, copy=False)
    # Closing archives the order: it leaves the default "Open" register and
    # list, stays searchable ("Closed and Archived" filter), and its defects
    # and parties are locked (see write).
    closed_at = fields.Datetime(string="Closed and Archived on", readonly=True, copy=False)
    is_disputed = fields.Boolean(string="Disputed", readonly=True, copy=False, tracking=True)
    dispute_memo = fields.Text(
        copy=False, help="Written memo of the dispute (备忘), signed by the parties."
    )
    dispute_signature = fields.Image(max_width=1024, max_height=1024, copy=False, attachment=True)
    dispute_attachment_ids = fields.Many2many(
        "ir.attachment", "cs_property_rework_dispute_rel", string="Dispute Images", copy=False
    )
    is_repeat = fields.Boolean(compute="_compute_flags", store=True, index=True, string="Repeated")
    is_overdue = fields.Boolean(compute="_compute_flags", store=True, index=True, string="Overdue")
    cancel_reason = fields.Char(copy=False)

    _state_promised_idx = models.Index("(state, promised_date)")

    # ------------------------------------------------------------ computes
    @api.depends("unit_id", "facility_id")
    def _compute_parties(self):
        for order in self:
            building = order.unit_id.building_id or order.facility_id.building_id
            if building and not order.developer_id:
                order.developer_id = building.developer_id
            if building and not order.contractor_id:
                order.contractor_id = building.contractor_id

    @api.depends("line_ids")
    def _compute_line_count(self):
        for order in self:
            order.line_count = len(order.line_ids)

    @api.depends("line_ids.is_repeat", "promised_date", "state")
    def _compute_flags(self):
        today = fields.Date.context_today(self)
        for order in self:
            order.is_repeat = any(order.line_ids.mapped("is_repeat"))
            order.is_overdue = bool(
                order.state in REWORK_OWED_STATES
                and order.promised_date
                and order.promised_date < today
            )

    # ------------------------------------------------------------ ORM
    @api.model_create_multi
    def create(self, vals_list):
        orders = super().create(vals_list)
        # the owner follows the order (progress reaches them): one call per owner
        for partner, owner_orders in orders.filtered("partner_id").grouped("partner_id").items():
            owner_orders.message_subscribe(partner_ids=partner.ids)
        return orders

    def write(self, vals):
        if not self.env.su and set(vals) & {"line_ids", "unit_id", "developer_id", "contractor_id"}:
            closed = self.filtered(lambda o: o.state in ("closed", "cancelled"))
            if closed:
                raise UserError(
                    self.env._(
                        "Rework order %(name)s is “%(state)s”: its defects and parties can "
                        "no longer change.",
                        name=closed[0].name,
                        state=closed[0]._state_label(closed[0].state),
                    )
                )
        return super().write(vals)

    # ------------------------------------------------------------ workflow
    def action_issue(self):
        """Send the order to the developer or contractor (who must sign for it)."""
        self._check_state(("draft",), self.env._("issuing"))
        for order in self:
            if not order.line_ids:
                raise UserError(
                    self.env._("Rework order %(name)s: list the defects first.", name=order.name)
                )
            if not (order.contractor_id or order.developer_id):
                raise UserError(
                    self.env._(
                        "Rework order %(name)s: name the developer or the contractor it is "
                        "issued to.",
                        name=order.name,
                    )
                )
        self._set_state("issued", {"issued_at": fields.Datetime.now()})
        # the SLA clocks run from the issue, not while the order is a draft
        self._sla_apply()
        self._activity_step(
            "acknowledge",
            lambda o: o.user_id,
            lambda o: o.env._("Get rework order %(name)s signed for", name=o.name),
        )
        return True

    def action_acknowledge(self):
        """The contractor signed for the order (the signature itself, not only
        the name) and promised a date."""
        action = self.env._("recording the receipt")
        self._check_state(("issued",), action)
        self._require(("acknowledged_by", "acknowledgement_signature", "promised_date"), action)
        self._set_state("acknowledged", {"acknowledged_at": fields.Datetime.now()})
        self._activity_step_done("acknowledge")
        return True

    def action_start(self):
        self._check_state(("acknowledged",), self.env._("starting the rework"))
        self._set_state("in_progress")
        return True

    def action_contractor_done(self):
        self._check_state(("in_progress",), self.env._("recording the contractor's completion"))
        self._set_state("contractor_done", {"contractor_done_at": fields.Datetime.now()})
        self._activity_step(
            "reinspect",
            lambda o: o.user_id,
            lambda o: o.env._("Re-inspect rework order %(name)s on site", name=o.name),
        )
        return True

    def action_reinspect_pass(self):
        self._check_state(("contractor_done",), self.env._("passing the re-inspection"))
        self._set_state(
            "reinspected",
            {"reinspected_at": fields.Datetime.now(), "reinspected_by_id": self.env.uid},
        )
        self._activity_step_done("reinspect")
        self._activity_step(
            "owner_confirm",
            lambda o: o.user_id,
            lambda o: o.env._("Get the owner's written confirmation of %(name)s", name=o.name),
        )
        return True

    def action_reinspect_fail(self):
        """Not fixed: back to the contractor, and the failure counts."""
        action = self.env._("failing the re-inspection")
        self._check_state(("contractor_done",), action)
        self._require(("reinspection_note",), action)
        for order in self:
            order._set_state(
                "in_progress",
                {
                    "reinspection_fail_count": order.reinspection_fail_count + 1,
                    "contractor_done_at": False,
                },
            )
            order.message_post(
                body=self.env._("Re-inspection failed: %(note)s", note=order.reinspection_note)
            )
        self._activity_step_done("reinspect")
        return True

    def action_owner_confirm(self):
        action = self.env._("recording the owner's confirmation")
        self._check_state(("reinspected",), action)
        self._require(("owner_signature",), action)
        self._set_state("confirmed", {"confirmed_at": fields.Datetime.now()})
        self._activity_step_done("owner_confirm")
        return True

    def action_close(self):
        for order in self:
            if order.state != "confirmed":
                raise UserError(
                    self.env._(
                        "Rework order %(name)s cannot be closed yet: it closes only after "
                        "the on-site re-inspection has passed and the owner has confirmed "
                        "in writing (now “%(state)s”).",
                        name=order.name,
                        state=order._state_label(order.state),
                    )
                )
        self._set_state("closed", {"closed_at": fields.Datetime.now()})
        return True

    def action_cancel(self):
        action = self.env._("cancelling")
        self._check_state(REWORK_OPEN_STATES, action)
        self._require(("cancel_reason",), action)
        self._set_state("cancelled")
        return True

    def action_view_repair(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "cs.property.repair",
            "res_id": self.repair_id.id,
            "view_mode": "form",
        }

    def action_print_letter(self):
        """The contact letter (联系函) to the developer with its open items."""
        return report_action_for_rpc(
            self.env.ref("cs_property.action_report_rework_letter"), self.line_ids
        )
