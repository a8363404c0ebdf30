from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import html2plaintext

from .cs_property_complaint_category import COMPLAINT_TYPES
from .cs_property_workflow_guard import AGENT, TECHNICIAN

STATES = [
    ("new", "Received"),
    ("assessed", "Assessed"),
    ("proposed", "Solution Proposed"),
    ("approved", "Solution Approved"),
    ("in_progress", "In Progress"),
    ("done", "Resolved"),
    ("closed", "Closed"),
    ("cancelled", "Cancelled"),
]
CHANNELS = [
    ("phone", "Phone"),
    ("visit", "Visit"),
    ("email", "E-mail"),
    ("letter", "Letter"),
    ("portal", "Portal"),
    ("other", "Other"),
]
MAJOR_REASONS = [
    ("repeated", "Repeated Complaint"),
    ("several", "Several Issues"),
    ("group", "Group Complaint"),
    ("media", "Media Involved"),
    ("other", "Other"),
]
ACCEPTANCE_METHODS = [("signature", "Signed Form"), ("phone", "Recorded Phone Acceptance")]
# Fields a closed complaint still accepts: chatter, activities and callbacks.
_CLOSED_WRITABLE_PREFIXES = ("message_", "activity_", "callback_", "website_message")
REOPEN_DAYS_PARAM = "cs_property.complaint_reopen_days"


class CsPropertyComplaint(models.Model):
    """A customer complaint (投诉), from reception to callback (000 六, 003 ch.3)."""

    _name = "cs.property.complaint"
    _description = "Complaint"

    # who runs each step, and what freezes when (workflow mixin, README)
    _workflow_step_roles = {
        "action_assess": (AGENT, TECHNICIAN),
        "action_close_unreasonable": (AGENT,),
        "action_propose": (AGENT, TECHNICIAN),
        "action_approve": ("supervisor",),
        "action_send_back": ("supervisor",),
        "action_start": (AGENT, TECHNICIAN),
        "action_done": (AGENT, TECHNICIAN),
        "action_close": (AGENT,),
        "action_cancel": (AGENT,),
        "action_reopen": (AGENT,),
        "action_create_repair": (AGENT,),
        "action_view_repairs": ("any",),
        "action_log_callback": (AGENT,),
    }
    _workflow_locked_fields = {
        ("closed", "cancelled"): "__all__",
    }
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "cs.property.ticket.mixin",
        "cs.property.sla.mixin",
        "cs.property.callback.mixin",
    ]
    _ticket_sequence_code = "cs.property.complaint"

    state = fields.Selection(
        STATES,
        required=True,
        default="new",
        tracking=True,
        index=True,
        copy=False,
        group_expand="_read_group_all_states",
    )
    estate_id = fields.Many2one(tracking=True)
    channel = fields.Selection(CHANNELS, required=True, default="phone", tracking=True)
    partner_id = fields.Many2one(string="Complainant", required=True)
    complaint_type = fields.Selection(
        COMPLAINT_TYPES, string="Class", required=True, tracking=True, index=True
    )
    category_id = fields.Many2one(
        "cs.property.complaint.category",
        string="Category",
        tracking=True,
        domain="[('complaint_type', '=', complaint_type)]",
    )
    description = fields.Html(string="Complaint Details", required=True)
    expected_outcome = fields.Text(string="Outcome Requested")
    receiver_id = fields.Many2one(
        "res.users",
        string="Received by",
        required=True,
        default=lambda self: self.env.user,
        tracking=True,
        help="First receiver (首问责任人): follows the complaint until it is closed.",
    )
    # assessment
    is_reasonable = fields.Boolean(string="Reasonable", default=True, tracking=True)
    explanation = fields.Text(
        help="What was explained to the customer when the complaint is not ours."
    )
    severity = fields.Selection(
        [("general", "General"), ("major", "Major")],
        required=True,
        default="general",
        tracking=True,
        index=True,
    )
    major_reason = fields.Selection(MAJOR_REASONS, tracking=True)
    team_id = fields.Many2one(
        "cs.property.team",
        string="Responsible Team",
        tracking=True,
        index=True,
        domain="[('estate_id', '=', estate_id)]",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        tracking=True,
        index=True,
        domain="[('share', '=', False)]",
    )
    deadline = fields.Datetime(string="Handling Deadline", tracking=True, index=True)
    deadline_communicated_at = fields.Datetime(string="Deadline Told to Customer", tracking=True)
    # handling
    solution = fields.Html()
    proposed_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    approved_by_id = fields.Many2one("res.users", readonly=True, copy=False, tracking=True)
    approved_at = fields.Datetime(readonly=True, copy=False)
    customer_agreed_at = fields.Datetime(readonly=True, copy=False)
    acceptance_method = fields.Selection(ACCEPTANCE_METHODS, tracking=True, copy=False)
    signature = fields.Image(max_width=1024, max_height=1024, copy=False, attachment=True)
    acceptance_note = fields.Text(copy=False)
    resolved_at = fields.Datetime(readonly=True, copy=False)
    closed_at = fields.Datetime(readonly=True, copy=False)
    reopen_count = fields.Integer(readonly=True, copy=False, tracking=True)
    parent_id = fields.Many2one(
        "cs.property.complaint", string="Follows", readonly=True, index="btree_not_null"
    )
    repair_ids = fields.One2many("cs.property.repair", "complaint_id", string="Service Orders")
    repair_count = fields.Integer(compute="_compute_repair_count")
    is_overdue = fields.Boolean(compute="_compute_is_overdue", search="_search_is_overdue")
    color = fields.Integer(compute="_compute_color")

    _state_deadline_idx = models.Index("(estate_id, state, deadline)")

    # ------------------------------------------------------------ computes
    def _compute_repair_count(self):
        counts = dict(
            self.env["cs.property.repair"]._read_group(
                [("complaint_id", "in", self.ids)], ["complaint_id"], ["__count"]
            )
        )
        for complaint in self:
            complaint.repair_count = counts.get(complaint, 0)

    def action_create_repair(self):
        """A complaint about a fault raises a repair request (报修) for it."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "cs.property.repair",
            "view_mode": "form",
            "context": {
                "default_complaint_id": self.id,
                "default_channel": "complaint",
                "default_estate_id": self.estate_id.id,
                "default_unit_id": self.unit_id.id,
                "default_facility_id": self.facility_id.id,
                "default_partner_id": self.partner_id.id,
                "default_description": html2plaintext(self.description or ""),
            },
        }

    def action_view_repairs(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "cs_property.action_cs_property_repair"
        )
        action["domain"] = [("complaint_id", "=", self.id)]
        action["context"] = {"search_default_open": 0}
        return action

    @api.depends("deadline", "state")
    def _compute_is_overdue(self):
        now = fields.Datetime.now()
        for complaint in self:
            complaint.is_overdue = bool(
                complaint.deadline
                and complaint.state not in ("done", "closed", "cancelled")
                and complaint.deadline < now
            )

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        domain = [
            ("deadline", "<", fields.Datetime.now()),
            ("state", "not in", ("done", "closed", "cancelled")),
        ]
        return domain if (operator == "=") == value else ["!", "&", *domain]

    @api.depends("severity", "is_overdue", "sla_failed")
    def _compute_color(self):
        for complaint in self:
            complaint.color = (
                1
                if complaint.is_overdue or complaint.sla_failed
                else 2
                if complaint.severity == "major"
                else 0
            )

    # ------------------------------------------------------------ checks
    @api.constrains("deadline", "received_at")
    def _check_deadline(self):
        for complaint in self:
            if complaint.deadline and complaint.deadline <= complaint.received_at:
                raise ValidationError(
                    self.env._(
                        "Complaint %(name)s: the handling deadline must be after the time "
                        "the complaint was received.",
                        name=complaint.name,
                    )
                )

    @api.constrains("unit_id", "facility_id")
    def _check_location(self):
        for complaint in self:
            if complaint.unit_id and complaint.facility_id:
                raise ValidationError(
                    self.env._(
                        "Complaint %(name)s: point at a unit or at a common area, not both.",
                        name=complaint.name,
                    )
                )

    # ------------------------------------------------------------ ORM
    @api.model_create_multi
    def create(self, vals_list):
        complaints = super().create(vals_list)
        # 首问制: the first receiver follows the complaint whoever handles it;
        # one subscription per receiver, not per complaint (imports, integrations)
        for partner, group in complaints.grouped(lambda c: c.receiver_id.partner_id).items():
            group.message_subscribe(partner_ids=partner.ids)
        return complaints

    def write(self, vals):
        if not self.env.context.get("cs_complaint_reopen"):
            locked = [name for name in vals if not name.startswith(_CLOSED_WRITABLE_PREFIXES)]
            if locked and any(c.state == "closed" for c in self):
                raise UserError(
                    self.env._(
                        "A closed complaint cannot be edited (%(fields)s). Reopen it, "
                        "or register a new complaint that follows it.",
                        fields=", ".join(locked),
                    )
                )
        return super().write(vals)

    @api.onchange("category_id")
    def _onchange_category_id(self):
        if self.category_id.team_type and self.estate_id and not self.team_id:
            self.team_id = self.estate_id._team_of_type(self.category_id.team_type)

    # ------------------------------------------------------------ guards
    def _role_supervisor(self):
        return self._is_supervisor(self.env.user)

    def _workflow_role_label(self, token):
        if token == "supervisor":
            return self.env._("the team leader or a manager")
        return super()._workflow_role_label(token)

    def _is_supervisor(self, user):
        self.ensure_one()
        return user == self.team_id.leader_id or user.has_group(
            "cs_property.group_property_manager"
        )

    # ------------------------------------------------------------ workflow
    def action_assess(self):
        """Reasonable complaint: responsible team and deadline decided and told."""
        action = self.env._("assessment")
        self._check_state(("new",), action)
        self._require(("team_id", "deadline"), action)
        for complaint in self:
            if complaint.severity == "major" and not complaint.major_reason:
                raise UserError(
                    self.env._(
                        "Complaint %(name)s: say why it is major before assessing it.",
                        name=complaint.name,
                    )
                )
        now = fields.Datetime.now()
        for complaint in self:
            complaint._set_state(
                "assessed",
                {
                    "is_reasonable": True,
                    "deadline_communicated_at": complaint.deadline_communicated_at or now,
                    "user_id": complaint.user_id.id or complaint.team_id.leader_id.id,
                },
            )
        self._activity_step_done("assess")
        self._notify_responsible_team()
        self.filtered(lambda c: c.severity == "major")._escalate_to_managers(
            "major", lambda r: r.env._("Major complaint: the CS manager follows it.")
        )
        return True

    def action_close_unreasonable(self):
        """Not the company's responsibility: explained patiently and closed."""
        action = self.env._("closing as unreasonable")
        self._check_state(("new", "assessed"), action)
        self._require(("explanation",), action)
        self._set_state("closed", {"is_reasonable": False, "closed_at": fields.Datetime.now()})
        return True

    def action_propose(self):
        action = self.env._("proposing a solution")
        self._check_state(("assessed",), action)
        self._require(("solution",), action)
        self._set_state("proposed", {"proposed_by_id": self.env.uid})
        # whoever proposed cannot approve: their own leader does, else the CS managers
        self._activity_step(
            "approve",
            lambda r: (r.team_id.leader_id - r.proposed_by_id) or r.estate_id._cs_managers(),
            lambda r: r.env._("Approve the proposed solution"),
        )
        return True

    def action_approve(self):
        self._check_state(("proposed",), self.env._("approval"))
        for complaint in self:
            if complaint.proposed_by_id == self.env.user:
                raise UserError(
                    self.env._(
                        "Complaint %(name)s: you proposed this solution, so another "
                        "supervisor must approve it.",
                        name=complaint.name,
                    )
                )
            if not complaint._is_supervisor(self.env.user):
                raise UserError(
                    self.env._(
                        "Complaint %(name)s: only the team leader of %(team)s or a CS "
                        "manager may approve the solution.",
                        name=complaint.name,
                        team=complaint.team_id.display_name,
                    )
                )
        self._set_state(
            "approved",
            {
                "approved_by_id": self.env.uid,
                "approved_at": fields.Datetime.now(),
            },
        )
        self._activity_step_done("approve")
        # CS agrees the approved solution with the customer (first receiver)
        self._activity_step(
            "agree",
            lambda r: r.receiver_id,
            lambda r: r.env._("Agree the approved solution with the customer"),
        )
        return True

    def action_send_back(self):
        self._check_state(("proposed",), self.env._("sending back"))
        for complaint in self:
            if not complaint._is_supervisor(self.env.user):
                raise UserError(
                    self.env._(
                        "Complaint %(name)s: only a supervisor can send a solution back.",
                        name=complaint.name,
                    )
                )
        self._set_state("assessed")
        self._activity_step_done("approve")
        user_name = self.env.user.name
        for complaint in self:
            complaint._post_note_for(
                complaint.proposed_by_id,
                lambda r: r.env._("Solution sent back for rework by %(user)s.", user=user_name),
            )
        return True

    def action_start(self):
        """CS agreed the approved solution with the customer: implementation starts."""
        self._check_state(("approved",), self.env._("starting the work"))
        self._set_state("in_progress", {"customer_agreed_at": fields.Datetime.now()})
        self._activity_step_done("agree")
        return True

    def action_done(self):
        """Implemented and accepted by the customer (signature or recorded call)."""
        action = self.env._("recording the customer's acceptance")
        self._check_state(("in_progress",), action)
        self._require(("acceptance_method",), action)
        for complaint in self:
            if complaint.acceptance_method == "signature" and not complaint.signature:
                raise UserError(
                    self.env._(
                        "Complaint %(name)s: the customer's signature is missing.",
                        name=complaint.name,
                    )
                )
        self._set_state("done", {"resolved_at": fields.Datetime.now()})
        self._activity_step_done("handle")
        return True

    def action_close(self):
        self._check_state(("done",), self.env._("closing"))
        self._callback_check_before_close()
        self._set_state("closed", {"closed_at": fields.Datetime.now()})
        return True

    def action_cancel(self):
        """Duplicates and mistakes: the number stays, marked cancelled."""
        self._check_state(("new",), self.env._("cancelling"))
        self._set_state("cancelled")
        return True

    def action_reopen(self):
        """Reopen within the grace window, or open a new complaint that follows it."""
        self._check_state(("done", "closed"), self.env._("reopening"))
        self.ensure_one()
        if self.state == "closed" and not self._within_reopen_window():
            follower = self.copy(
                {
                    "parent_id": self.id,
                    "received_at": fields.Datetime.now(),
                    "deadline": False,
                    "deadline_communicated_at": False,
                    "receiver_id": self.env.uid,
                    "solution": False,
                }
            )
            return {
                "type": "ir.actions.act_window",
                "res_model": self._name,
                "res_id": follower.id,
                "view_mode": "form",
            }
        self._reopen()
        return True

    def _within_reopen_window(self):
        days = int(self.env["ir.config_parameter"].sudo().get_param(REOPEN_DAYS_PARAM, 30))
        return bool(self.closed_at) and fields.Datetime.now() <= self.closed_at + timedelta(
            days=days
        )

    def _reopen(self, callback=None):
        for complaint in self:
            complaint.with_context(cs_complaint_reopen=True)._set_state(
                "assessed",
                {
                    "reopen_count": complaint.reopen_count + 1,
                    "closed_at": False,
                    "resolved_at": False,
                    "acceptance_method": False,
                    "signature": False,
                },
            )
        # the fix needs its own callback, until the customer is satisfied
        self.with_context(cs_complaint_reopen=True)._callback_reset(callback)
        self._notify_responsible_team()
        self._escalate_to_managers(
            "reopened", lambda r: r.env._("Complaint reopened: the customer is not satisfied.")
        )

    # ------------------------------------------------------------ notifications
    def _notify_responsible_team(self):
        """Route to the team: its leader gets the step at hand (assess a new
        complaint, handle an assessed one) for a whole batch at once; creating
        the activities subscribes the assignees, so they follow the complaint."""
        routed = self.filtered("team_id")
        new = routed.filtered(lambda c: c.state == "new")
        new._activity_step(
            "assess",
            lambda r: r.team_id.leader_id or r.receiver_id,
            lambda r: r.env._("Assess complaint %(name)s", name=r.name),
        )
        (routed - new)._activity_step(
            "handle",
            lambda r: r.team_id.leader_id | r.user_id,
            lambda r: r.env._("Handle complaint %(name)s", name=r.name),
            deadline=lambda r: r.deadline and fields.Date.context_today(r, r.deadline),
        )

    def _escalate_to_managers(self, step, render, activity_type="mail.mail_activity_data_todo"):
        """The estate's CS managers follow the complaint: an activity for
        ``step`` and a note, each in the managers' language."""
        for complaint in self:
            managers = complaint.estate_id._cs_managers()
            complaint.message_subscribe(partner_ids=managers.partner_id.ids)
            complaint._activity_step(
                step, managers, render, activity_type=activity_type, replace=False
            )
            complaint._post_note_for(managers, render)

    # ------------------------------------------------------------ mixin hooks
    def _sla_start_datetime(self):
        return self.received_at

    def _sla_replan_fields(self):
        return ("severity", "complaint_type", "category_id")

    def _sla_notify_warning(self, lines):
        by_record = self._sla_lines_by_record(lines)
        self.with_context(mail_activity_quick_update=True)._activity_step(
            "sla_warning",
            lambda c: c.user_id | c.team_id.leader_id | c.receiver_id,
            lambda c: c.env._(
                "SLA about to fail: %(targets)s",
                targets=c._sla_targets_label(by_record[c.id]),
            ),
            activity_type="mail.mail_activity_data_warning",
            replace=False,
        )

    def _sla_notify_escalation(self, lines, level):
        by_record = self._sla_lines_by_record(lines)
        if level <= 1:

            def people(complaint):
                return complaint.team_id.leader_id or complaint.receiver_id

            def render(complaint):
                return complaint.env._(
                    "SLA failed (%(targets)s): escalated to the team leader.",
                    targets=complaint._sla_targets_label(by_record[complaint.id]),
                )

            step, activity_type = "sla_leader", "mail.mail_activity_data_warning"
        else:
            managers = {}

            def people(complaint):
                estate = complaint.estate_id
                if estate not in managers:
                    managers[estate] = estate._cs_managers()
                return managers[estate]

            def render(complaint):
                return complaint.env._(
                    "SLA failed (%(targets)s): escalated to the CS manager.",
                    targets=complaint._sla_targets_label(by_record[complaint.id]),
                )

            step, activity_type = "sla_manager", "mail.mail_activity_data_todo"
        # no e-mail per activity: a batch would flood the leader's mailbox; the
        # activities show in the assignee's systray and the note in the chatter
        self.with_context(mail_activity_quick_update=True)._activity_step(
            step, people, render, activity_type=activity_type, replace=False
        )
        self._sla_log_note(people, render)

    def _callback_responsible(self):
        return self.receiver_id

    def _on_callback_dissatisfied(self, callback):
        if self.state in ("done", "closed"):
            self._reopen(callback)
