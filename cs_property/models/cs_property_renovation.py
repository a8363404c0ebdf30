import base64

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Command

from .cs_property_renovation_patrol import CHECK_ITEMS
from .cs_property_workflow_guard import AGENT, FINANCE, MANAGER, TECHNICIAN

STATES = [
    ("draft", "Draft Application"),
    ("submitted", "Submitted"),
    ("engineering", "Engineering Review"),
    ("approved", "Approved, Awaiting Fees"),
    ("works", "Works in Progress"),
    ("acceptance", "Final Acceptance"),
    ("accepted", "Accepted, Awaiting Refund"),
    ("closed", "Deposit Settled"),
    ("rejected", "Application Rejected"),
    ("cancelled", "Cancelled"),
]
# an application in one of these states blocks a new one for the same unit
OPEN_STATES = ("draft", "submitted", "engineering", "approved", "works", "acceptance", "accepted")
ENDED_STATES = ("closed", "rejected", "cancelled")


class CsPropertyRenovation(models.Model):
    """A renovation application (装修申请) and the works it permits (装修管理办法)."""

    _name = "cs.property.renovation"
    _description = "Renovation Application"

    # who runs each step, and what freezes when (workflow mixin, README)
    _workflow_step_roles = {
        "action_submit": (AGENT,),
        "action_check_complete": (AGENT,),
        "action_engineering_pass": (TECHNICIAN,),
        "action_engineering_fail": (TECHNICIAN,),
        "action_approve": (AGENT,),
        "action_reject": (AGENT,),
        "action_cancel": (AGENT,),
        "action_issue_permit": (AGENT,),
        "action_request_extension": (AGENT,),
        "action_approve_extension": (AGENT,),
        "action_refuse_extension": (AGENT,),
        "action_request_acceptance": (AGENT,),
        # the final acceptance is the engineering department's (or a
        # manager's), not the front desk's
        "action_acceptance_pass": (TECHNICIAN, MANAGER),
        "action_acceptance_fail": (TECHNICIAN, MANAGER),
        "action_refund_wizard": (FINANCE,),
        "action_print_passes": (AGENT,),
        "action_create_fee_invoice": (AGENT, FINANCE),
        "action_open_deposit_wizard": (FINANCE,),
        "action_view_fee_invoice": (AGENT, FINANCE),
        "action_view_deposit_moves": ("any",),
        "action_view_passes": ("any",),
        "action_view_patrols": ("any",),
        "action_view_violations": ("any",),
    }
    _workflow_locked_fields = {
        ("closed", "rejected", "cancelled"): "__all__",
    }
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "cs.property.ticket.mixin",
        "cs.property.sla.mixin",
    ]
    _ticket_sequence_code = "cs.property.renovation"
    state = fields.Selection(
        STATES,
        required=True,
        default="draft",
        tracking=True,
        index=True,
        copy=False,
        group_expand="_read_group_all_states",
    )
    unit_id = fields.Many2one(required=True)
    partner_id = fields.Many2one(string="Applicant", required=True)
    applicant_role = fields.Selection(
        [("owner", "Owner of Record"), ("tenant", "Tenant with Owner's Consent")],
        string="Applicant Is",
        required=True,
        default="owner",
    )
    owner_consent = fields.Binary(
        string="Owner's Written Consent",
        attachment=True,
        copy=False,
        help="A tenant applies only with the owner's written consent attached.",
    )
    owner_consent_name = fields.Char()
    contractor_id = fields.Many2one(
        "res.partner", string="Renovation Company", tracking=True, index="btree_not_null"
    )
    contractor_licence = fields.Char(string="Licence Number")
    contractor_manager = fields.Char(string="Person in Charge")
    contractor_phone = fields.Char(string="Contractor Phone")
    date_start = fields.Date(string="Planned Start", required=True, tracking=True)
    date_end = fields.Date(string="Planned End", required=True, tracking=True)
    worker_count = fields.Integer(string="Workers", default=1)
    description = fields.Text(string="Works Description")
    scope_ids = fields.Many2many(
        "cs.property.renovation.scope",
        "cs_property_renovation_scope_rel",
        "renovation_id",
        "scope_id",
        string="Scope of Works",
        tracking=True,
    )
    needs_review = fields.Boolean(
        string="Needs Engineering Review", compute="_compute_needs_review", store=True
    )
    document_ids = fields.One2many(
        "cs.property.renovation.document", "renovation_id", string="Documents"
    )
    missing_document_names = fields.Char(
        string="Missing Documents", compute="_compute_missing_documents"
    )
    # review
    submitted_at = fields.Datetime(readonly=True, copy=False)
    checked_by_id = fields.Many2one("res.users", string="Checked by", readonly=True, copy=False)
    engineering_result = fields.Selection(
        [("pass", "Technically Approved"), ("fail", "Technically Refused")],
        readonly=True,
        copy=False,
        tracking=True,
    )
    engineering_note = fields.Text(string="Engineering Opinion", copy=False)
    engineer_id = fields.Many2one("res.users", string="Engineer", readonly=True, copy=False)
    reject_reason = fields.Text(string="Reason for Rejection", copy=False, tracking=True)
    approved_at = fields.Datetime(readonly=True, copy=False)
    approved_by_id = fields.Many2one("res.users", string="Approved by", readonly=True, copy=False)
    approval_days = fields.Float(
        string="Approval Time (days)",
        compute="_compute_approval_days",
        store=True,
        aggregator="avg",
    )
    # permit and works
    permit_number = fields.Char(readonly=True, copy=False, index="btree_not_null")
    permit_at = fields.Datetime(string="Permit Issued", readonly=True, copy=False)
    work_hours = fields.Char(compute="_compute_work_hours")
    is_overdue = fields.Boolean(
        string="Overdue", compute="_compute_is_overdue", search="_search_is_overdue"
    )
    extension_end = fields.Date(string="Extended Until", copy=False)
    extension_reason = fields.Char(copy=False)
    extension_state = fields.Selection(
        [
            ("none", "No Extension"),
            ("pending", "Extension Requested"),
            ("approved", "Extension Approved"),
            ("refused", "Extension Refused"),
        ],
        default="none",
        required=True,
        copy=False,
        tracking=True,
    )
    # final acceptance
    accept_structure_ok = fields.Boolean(string="Structure Untouched")
    accept_waterproof_test = fields.Selection(
        [("pass", "Water Test Passed"), ("fail", "Water Test Failed")],
        string="Waterproofing Test (48 h)",
    )
    accept_fire_ok = fields.Boolean(string="Fire Safety in Order")
    accept_facade_ok = fields.Boolean(string="Façade and Windows Unchanged")
    accept_debris_ok = fields.Boolean(string="Debris Removed")
    acceptance_failed_items = fields.Text(readonly=True, copy=False)
    accepted_at = fields.Datetime(readonly=True, copy=False)
    completed_at = fields.Datetime(string="Works Finished", readonly=True, copy=False)
    cancel_reason = fields.Char(copy=False)
    # related documents
    pass_ids = fields.One2many("cs.property.renovation.pass", "renovation_id", string="Passes")
    patrol_ids = fields.One2many("cs.property.renovation.patrol", "renovation_id", string="Patrols")
    violation_ids = fields.One2many(
        "cs.property.renovation.violation", "renovation_id", string="Violations"
    )
    pass_count = fields.Integer(compute="_compute_counts")
    patrol_count = fields.Integer(compute="_compute_counts")
    violation_count = fields.Integer(compute="_compute_counts")
    open_violation_count = fields.Integer(compute="_compute_counts")
    patrols_done = fields.Integer(
        string="Patrols Done", compute="_compute_patrols_done", store=True, aggregator="sum"
    )
    patrol_shortfall = fields.Boolean(
        string="Fewer than Two Patrols",
        compute="_compute_patrols_done",
        store=True,
        help="Finished works that were patrolled fewer than twice (national service standard).",
    )

    _one_open_per_unit = models.UniqueIndex(
        "(unit_id) WHERE state NOT IN ('closed', 'rejected', 'cancelled')",
        "A unit has only one open renovation application at a time.",
    )
    _dates_order = models.Constraint(
        "CHECK(date_end >= date_start)", "The planned end cannot be before the start."
    )

    # ------------------------------------------------------------ computes
    @api.depends("scope_ids.needs_review")
    def _compute_needs_review(self):
        for reno in self:
            reno.needs_review = any(reno.scope_ids.mapped("needs_review"))

    def _required_document_types(self):
        self.ensure_one()
        always = self.env["cs.property.renovation.document.type"].search(
            [("always_required", "=", True)]
        )
        return always | self.scope_ids.document_type_ids

    @api.depends("scope_ids", "document_ids.type_id", "document_ids.file")
    def _compute_missing_documents(self):
        always = self.env["cs.property.renovation.document.type"].search(
            [("always_required", "=", True)]
        )
        for reno in self:
            handed_in = reno.document_ids.filtered("file").type_id
            missing = (always | reno.scope_ids.document_type_ids) - handed_in
            reno.missing_document_names = ", ".join(missing.mapped("name"))

    @api.depends("submitted_at", "approved_at")
    def _compute_approval_days(self):
        for reno in self:
            if reno.submitted_at and reno.approved_at:
                delta = reno.approved_at - reno.submitted_at
                reno.approval_days = round(delta.total_seconds() / 86400, 2)
            else:
                reno.approval_days = 0.0

    @api.depends("estate_id", "date_start")
    @api.depends_context("tz")
    def _compute_work_hours(self):
        today = fields.Date.context_today(self)
        for reno in self:
            reno.work_hours = (
                reno.estate_id._renovation_work_hours(today) if reno.estate_id else False
            )

    @api.depends("date_end", "extension_state", "state")
    def _compute_is_overdue(self):
        today = fields.Date.context_today(self)
        for reno in self:
            reno.is_overdue = reno.state == "works" and reno.date_end < today

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on Overdue."))
        today = fields.Date.context_today(self)
        if (operator == "=") == value:
            return [("state", "=", "works"), ("date_end", "<", today)]
        return ["|", ("state", "!=", "works"), ("date_end", ">=", today)]

    def _compute_counts(self):
        """One grouped query per related model for the whole list."""
        domain = [("renovation_id", "in", self.ids)]
        passes = dict(
            self.env["cs.property.renovation.pass"]._read_group(
                domain, ["renovation_id"], ["__count"]
            )
        )
        patrols = dict(
            self.env["cs.property.renovation.patrol"]._read_group(
                domain, ["renovation_id"], ["__count"]
            )
        )
        violations = {}
        for reno, state, count in self.env["cs.property.renovation.violation"]._read_group(
            domain, ["renovation_id", "state"], ["__count"]
        ):
            total, open_count = violations.get(reno, (0, 0))
            violations[reno] = (total + count, open_count + (count if state == "open" else 0))
        for reno in self:
            reno.pass_count = passes.get(reno, 0)
            reno.patrol_count = patrols.get(reno, 0)
            reno.violation_count, reno.open_violation_count = violations.get(reno, (0, 0))

    @api.depends("patrol_ids.state", "state")
    def _compute_patrols_done(self):
        for reno in self:
            reno.patrols_done = len(reno.patrol_ids.filtered(lambda p: p.state == "done"))
            reno.patrol_shortfall = (
                reno.state in ("acceptance", "accepted", "closed") and reno.patrols_done < 2
            )

    # ------------------------------------------------------------ checks
    @api.constrains("scope_ids")
    def _check_forbidden_scope(self):
        for reno in self:
            forbidden = reno.scope_ids.filtered("forbidden")
            if forbidden:
                raise ValidationError(
                    self.env._(
                        "Renovation %(name)s: “%(scope)s” is forbidden: %(reason)s",
                        name=reno.name,
                        scope=forbidden[0].name,
                        reason=forbidden[0].forbidden_reason or "-",
                    )
                )

    def _check_one_open_per_unit(self, unit_ids=None):
        """Refuse a second open application for a unit (the unique index is the
        last line of defence; this says it in the business's words)."""
        unit_ids = unit_ids or self.unit_id.ids
        others = self.sudo().search(
            [("unit_id", "in", unit_ids), ("state", "in", OPEN_STATES), ("id", "not in", self.ids)]
        )
        if others:
            raise UserError(
                self.env._(
                    "Unit %(unit)s already has the open renovation application %(other)s: "
                    "finish or cancel it first.",
                    unit=others[0].unit_id.display_name,
                    other=others[0].name,
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        units = [vals["unit_id"] for vals in vals_list if vals.get("unit_id")]
        if len(units) != len(set(units)):
            raise UserError(
                self.env._("A unit has only one open renovation application at a time.")
            )
        self.browse()._check_one_open_per_unit(units)
        return super().create(vals_list)

    # ------------------------------------------------------------ application
    def action_submit(self):
        """Hand in the application: scope, documents and consent complete."""
        action = self.env._("submitting")
        self._check_state(("draft",), action)
        self._require(("scope_ids", "contractor_id"), action)
        self._check_applicant(fields.Date.context_today(self))
        for reno in self:
            if reno.missing_document_names:
                raise UserError(
                    self.env._(
                        "Renovation %(name)s: documents missing before submission: %(docs)s.",
                        name=reno.name,
                        docs=reno.missing_document_names,
                    )
                )
        self._check_one_open_per_unit()
        self._set_state("submitted", {"submitted_at": fields.Datetime.now()})
        self._sla_apply()
        self._activity_step(
            "check",
            lambda r: r.create_uid,
            lambda r: r.env._("Check renovation application %(name)s", name=r.name),
        )
        return True

    def action_check_complete(self):
        """The property officer found the file complete: engineering reviews it
        if the scope needs it."""
        self._check_state(("submitted",), self.env._("checking completeness"))
        self._activity_step_done("check")
        for reno in self:
            reno.checked_by_id = self.env.user
            if reno.needs_review:
                reno._set_state("engineering")
                reno._activity_step(
                    "engineering",
                    reno._engineers(),
                    lambda r: r.env._("Engineering review of renovation %(name)s", name=r.name),
                )
        return True

    def _engineers(self):
        self.ensure_one()
        team = self.estate_id._team_of_type("engineering")
        return team.leader_id or self.estate_id._cs_managers()

    def _check_engineer(self):
        if not (self.env.su or self.env.user.has_group("cs_property.group_property_technician")):
            raise UserError(self.env._("Only engineering staff give the technical review."))

    def action_engineering_pass(self):
        self._check_state(("engineering",), self.env._("giving the technical review"))
        self._check_engineer()
        self.write({"engineering_result": "pass", "engineer_id": self.env.user.id})
        self._activity_step_done("engineering")
        return True

    def action_engineering_fail(self):
        action = self.env._("giving the technical review")
        self._check_state(("engineering",), action)
        self._check_engineer()
        self._require(("engineering_note",), action)
        self.write({"engineering_result": "fail", "engineer_id": self.env.user.id})
        self._activity_step_done("engineering")
        for reno in self:
            reno.reject_reason = reno.engineering_note
        return self._reject()

    def action_approve(self):
        self._check_state(("submitted", "engineering"), self.env._("approving"))
        self._check_officer()
        for reno in self:
            if not reno.checked_by_id:
                raise UserError(
                    self.env._(
                        "Renovation %(name)s: check the application's completeness first.",
                        name=reno.name,
                    )
                )
            if reno.needs_review and reno.engineering_result != "pass":
                raise UserError(
                    self.env._(
                        "Renovation %(name)s: the scope needs the engineering department's "
                        "technical approval first.",
                        name=reno.name,
                    )
                )
        self._set_state(
            "approved", {"approved_at": fields.Datetime.now(), "approved_by_id": self.env.user.id}
        )
        self._activity_step(
            "permit",
            lambda r: r.create_uid,
            lambda r: r.env._(
                "Collect the fees and the deposit of %(name)s, then issue the permit", name=r.name
            ),
        )
        self._notify_applicant(
            lambda r: r.env._(
                "Your renovation application %(name)s is approved. Please pay the fees and "
                "the deposit to receive the permit.",
                name=r.name,
            )
        )
        return True

    def action_reject(self):
        action = self.env._("rejecting")
        self._check_state(("submitted", "engineering"), action)
        self._check_officer()
        self._require(("reject_reason",), action)
        return self._reject()

    def _reject(self):
        self._set_state("rejected")
        self._notify_applicant(
            lambda r: r.env._(
                "Your renovation application %(name)s is rejected: %(reason)s",
                name=r.name,
                reason=r.reject_reason,
            )
        )
        return True

    def _check_officer(self):
        if not (self.env.su or self.env.user.has_group("cs_property.group_property_agent")):
            raise UserError(
                self.env._("Only the property officers (customer service) approve renovations.")
            )

    def _notify_applicant(self, render):
        """Tell the applicant, in the applicant's language."""
        for reno in self:
            body = render(reno._in_lang_of(reno.partner_id))
            reno.message_post(
                body=body,
                partner_ids=reno.partner_id.ids,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )

    def action_cancel(self):
        self._check_state(
            ("draft", "submitted", "engineering", "approved"), self.env._("cancelling")
        )
        for reno in self:
            if reno.deposit_held:
                raise UserError(
                    self.env._(
                        "Renovation %(name)s holds a deposit: finance refunds it before the "
                        "application is cancelled.",
                        name=reno.name,
                    )
                )
        self._set_state("cancelled")
        return True

    # ------------------------------------------------------------ demo data
    def _demo_hand_in_documents(self):
        """Demo data: a scanned copy of every required document."""
        scan = base64.b64encode(b"%PDF-1.4 demo scan")
        for reno in self:
            reno.document_ids = [
                Command.create({"type_id": doc_type.id, "file": scan, "file_name": "scan.pdf"})
                for doc_type in reno._required_document_types()
            ]
        return True

    def _demo_patrol(self):
        """Demo data: the planned patrols up to today are done, checklist in order."""
        checks = dict.fromkeys(CHECK_ITEMS, True)
        for reno in self:
            due = reno.patrol_ids.filtered(lambda p: p.state == "planned")[:2]
            due.write(checks)
            due.action_done()
        return True

    # ------------------------------------------------------------ mixin hooks
    def _sla_start_datetime(self):
        return self.submitted_at or self.create_date

    def _sla_notify_warning(self, lines):
        self.with_context(mail_activity_quick_update=True)._activity_step(
            "sla_warning",
            lambda r: r.create_uid,
            lambda r: r.env._("Approval deadline close: %(name)s", name=r.name),
            activity_type="mail.mail_activity_data_warning",
            replace=False,
        )

    def _sla_notify_escalation(self, lines, level):
        managers = {}

        def people(renovation):
            if renovation.estate_id not in managers:
                managers[renovation.estate_id] = renovation.estate_id._cs_managers()
            return managers[renovation.estate_id] or renovation.create_uid

        self.with_context(mail_activity_quick_update=True)._activity_step(
            "sla_leader" if level <= 1 else "sla_manager",
            people,
            lambda r: r.env._("Approval deadline missed: %(name)s", name=r.name),
            activity_type="mail.mail_activity_data_warning",
            replace=False,
        )
