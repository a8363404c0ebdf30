from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain

from .cs_property_inspection_line import SEVERITIES
from .cs_property_inspection_standard import SERVICES
from .cs_property_workflow_guard import AGENT, INSPECTOR, MANAGER

STATES = [
    ("issued", "Notice Issued"),
    ("acknowledged", "Acknowledged"),
    ("rectified", "Rectified"),
    ("closed", "Closed"),
    ("cancelled", "Cancelled"),
]
OPEN_STATES = ("issued", "acknowledged", "rectified")
RESPONSES = {"minor": "verbal", "general": "rectification", "serious": "fault_notice"}
DEADLINE_DAYS = {"minor": 0, "general": 3, "serious": 1}


class CsPropertyNonconformity(models.Model):
    """A failed inspection item and its response by severity: verbal
    correction (closed at once), rectification notice (整改通知书) or staff
    fault notice / non-conformity report; then acknowledged by the team,
    rectified with photos and re-inspected by someone else than the rectifier."""

    _name = "cs.property.nonconformity"
    _description = "Non-conformity"

    # who runs each step, and what freezes when (workflow mixin, README)
    _workflow_step_roles = {
        # the one-click repair order: the QA inspector who found the fault,
        # customer service or a manager
        "action_create_repair": (AGENT, "inspector"),
        "action_acknowledge": (MANAGER, "team_member"),
        "action_rectified": (MANAGER, "team_member"),
        "action_reinspect_pass": (INSPECTOR,),
        "action_reinspect_fail": (INSPECTOR,),
        "action_cancel": (MANAGER,),
    }
    _workflow_locked_fields = {
        ("closed", "cancelled"): "__all__",
    }

    def _role_team_member(self):
        # membership lookup only: the team record may sit in another estate
        team = self.sudo().team_id
        return self.env.user in team.leader_id | team.member_user_ids

    def _workflow_role_label(self, token):
        if token == "team_member":
            return self.env._("the responsible team")
        if token == "inspector":
            return self.env._("the QA inspector who found the fault")
        return super()._workflow_role_label(token)

    _inherit = [
        "cs.property.workflow.mixin",
        "cs.property.estate.mixin",
        "cs.property.sla.mixin",
        "mail.thread",
        "mail.activity.mixin",
    ]
    _order = "create_date desc, id desc"
    name = fields.Char(string="Number", readonly=True, copy=False, default="/", index="trigram")
    state = fields.Selection(
        STATES,
        required=True,
        default="issued",
        tracking=True,
        index=True,
        copy=False,
        group_expand="_read_group_all_states",
    )
    inspection_id = fields.Many2one(
        "cs.property.inspection", readonly=True, index=True, ondelete="restrict"
    )
    line_id = fields.Many2one("cs.property.inspection.line", readonly=True, ondelete="set null")
    standard_id = fields.Many2one(
        "cs.property.inspection.standard", string="Standard Item", index=True, readonly=True
    )
    service = fields.Selection(SERVICES, required=True, index=True)
    area = fields.Char(required=True)
    item = fields.Char(required=True)
    description = fields.Text(string="Finding")
    facility_id = fields.Many2one("cs.property.facility", string="Common Area")
    team_id = fields.Many2one(
        "cs.property.team", string="Responsible Team", index=True, tracking=True
    )
    inspector_id = fields.Many2one("res.users", string="Inspector", index=True)
    severity = fields.Selection(SEVERITIES, required=True, default="general", tracking=True)
    response = fields.Selection(
        [
            ("verbal", "Verbal Correction"),
            ("rectification", "Rectification Notice"),
            ("fault_notice", "Staff Fault Notice / Non-conformity Report"),
        ],
        compute="_compute_response",
        store=True,
    )
    date_found = fields.Date(
        string="Found On",
        compute="_compute_date_found",
        store=True,
        index=True,
        help="The date of the inspection the finding comes from: the monthly QA report "
        "counts it in that month.",
    )
    deadline = fields.Date(
        string="Rectify By",
        tracking=True,
        help="The notice's SLA deadline: the rectification and re-inspection are due by the "
        "end of this working day. It is counted in working days of the estate's calendar "
        "(its public holidays excluded): 3 for a rectification notice, 1 for a serious "
        "non-conformity. Changing or extending it moves the escalation clock.",
    )
    is_overdue = fields.Boolean(
        string="Past Its Deadline",
        compute="_compute_is_overdue",
        search="_search_is_overdue",
        help="Still open after its “Rectify By” date (right whenever read).",
    )
    acknowledged_at = fields.Datetime(readonly=True, copy=False)
    acknowledged_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    rectification_note = fields.Text(string="Rectification")
    rectification_photo_ids = fields.Many2many(
        "ir.attachment", string="Rectification Photos", copy=False
    )
    rectified_at = fields.Datetime(readonly=True, copy=False)
    rectified_by_id = fields.Many2one("res.users", string="Rectified By", readonly=True, copy=False)
    reinspected_by_id = fields.Many2one(
        "res.users", string="Re-inspected By", readonly=True, copy=False
    )
    reinspection_count = fields.Integer(string="Re-inspections", readonly=True, copy=False)
    reinspection_fail_count = fields.Integer(
        string="Failed Re-inspections", readonly=True, copy=False
    )
    closed_at = fields.Datetime(readonly=True, copy=False)
    on_time = fields.Boolean(string="Rectified on Time", readonly=True, copy=False)
    is_repeat = fields.Boolean(
        string="Repeat Failure",
        readonly=True,
        help="The same item failed at the same place within the repeat window.",
    )
    repair_id = fields.Many2one(related="line_id.repair_id", string="Repair Order")

    _standard_place_idx = models.Index("(standard_id, estate_id, area, create_date)")

    @api.depends("inspection_id.date_due", "inspection_id.late_days", "inspection_id.done_at")
    def _compute_date_found(self):
        for record in self:
            inspection = record.inspection_id
            if inspection:
                # the day it was inspected: its due date plus the days late, or
                # the day it was done ahead of its due date
                found = inspection.date_due + timedelta(days=inspection.late_days)
                done = inspection.done_at and inspection.done_at.date()
                record.date_found = done if done and done < inspection.date_due else found
            else:
                record.date_found = (
                    record.create_date.date()
                    if record.create_date
                    else fields.Date.context_today(record)
                )

    @api.depends("state", "deadline")
    @api.depends_context("tz")
    def _compute_is_overdue(self):
        today = fields.Date.context_today(self)
        for record in self:
            record.is_overdue = bool(
                record.state in OPEN_STATES and record.deadline and record.deadline < today
            )

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        today = fields.Date.context_today(self)
        domain = Domain("state", "in", OPEN_STATES) & Domain("deadline", "<", today)
        return domain if (operator == "=") == value else ~domain

    def _role_inspector(self):
        """The QA inspector who found the fault (of the notice or its inspection)."""
        user = self.env.user
        return user in (self.inspector_id | self.inspection_id.inspector_id)

    @api.depends("severity")
    def _compute_response(self):
        for record in self:
            record.response = RESPONSES.get(record.severity)

    @api.depends("name", "area", "item")
    def _compute_display_name(self):
        for record in self:
            prefix = record.name if record.name and record.name != "/" else ""
            record.display_name = " ".join(
                p for p in (prefix, f"{record.area} / {record.item}") if p
            )

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records.filtered(lambda r: not r.deadline)._set_default_deadline()
        for record in records.filtered(lambda r: r.severity != "minor"):
            # numbered notices only: a verbal correction is no form
            record.name = (
                self.env["ir.sequence"]
                .with_company(record.company_id)
                .next_by_code("cs.property.nonconformity")
            )
        return records

    def _after_issue(self):
        """Close verbal corrections, flag repeats, tell whom it concerns."""
        self._flag_repeats()
        minor = self.filtered(lambda r: r.severity == "minor")
        minor._set_state("closed", {"closed_at": fields.Datetime.now(), "on_time": True})
        notices = self - minor
        notices._sla_apply()
        for record in notices:
            users = record.team_id.leader_id
            record.message_subscribe(partner_ids=(users | record.inspector_id).partner_id.ids)
            record._activity_step(
                "acknowledge",
                users,
                lambda r: r.env._("Acknowledge rectification notice %(name)s", name=r.name),
                deadline=record.deadline,
            )
        serious = notices.filtered(lambda r: r.severity == "serious")
        for record in serious:
            record._activity_step(
                "serious",
                record.estate_id._cs_managers(),
                lambda r: r.env._("Serious non-conformity %(name)s: follow it up", name=r.name),
                activity_type="mail.mail_activity_data_warning",
                deadline=record.deadline,
            )
        return True

    def _flag_repeats(self):
        """Same item, same place, within the window: one query for the batch."""
        records = self.filtered("standard_id")
        if not records:
            return
        days = int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("cs_property.inspection_repeat_days", 30)
        )
        since = fields.Datetime.now() - timedelta(days=days)
        earlier = self.sudo().search(
            [
                ("id", "not in", self.ids),
                ("standard_id", "in", records.standard_id.ids),
                ("estate_id", "in", records.estate_id.ids),
                ("create_date", ">=", since),
            ]
        )
        keys = {(r.standard_id.id, r.estate_id.id, r.area) for r in earlier}
        records.filtered(
            lambda r: (r.standard_id.id, r.estate_id.id, r.area) in keys
        ).is_repeat = True

    def _notice_today(self):
        # data files replaying a paper register (demo history) give its date;
        # users always act today
        day = self.env.context.get("cs_inspection_date")
        if day and self.env.su:
            return fields.Date.to_date(day)
        return fields.Date.context_today(self)

    # ------------------------------------------------------------- guards
    def _check_state(self, allowed, action):
        for record in self:
            if record.state not in allowed:
                raise UserError(
                    self.env._(
                        "Non-conformity %(name)s is “%(state)s”: %(action)s is not possible now.",
                        name=record.display_name,
                        state=record._state_label(record.state),
                        action=action,
                    )
                )

    def _check_team_user(self, action):
        if self.env.user.has_group("cs_property.group_property_manager"):
            return
        for record in self:
            team = record.team_id
            if self.env.user not in (team.leader_id | team.member_user_ids):
                raise UserError(
                    self.env._(
                        "%(action)s: only the responsible team “%(team)s” answers notice %(name)s.",
                        action=action,
                        team=team.display_name or "-",
                        name=record.display_name,
                    )
                )

    # ------------------------------------------------------------- actions
    def action_acknowledge(self):
        action = self.env._("Acknowledging")
        self._check_state(("issued",), action)
        self._check_team_user(action)
        self._set_state(
            "acknowledged",
            {"acknowledged_at": fields.Datetime.now(), "acknowledged_by_id": self.env.user.id},
        )
        self._activity_step_done("acknowledge")
        for record in self:
            record._activity_step(
                "rectify",
                record.team_id.leader_id,
                lambda r: r.env._("Rectify %(name)s", name=r.name),
                deadline=record.deadline,
            )
        return True

    def action_rectified(self):
        action = self.env._("Reporting the rectification")
        self._check_state(("acknowledged",), action)
        self._check_team_user(action)
        for record in self:
            # photos uploaded by any team member count (attachment rights are per uploader)
            if not record.sudo().rectification_photo_ids:
                raise UserError(
                    self.env._(
                        "Non-conformity %(name)s: attach photos of the rectification first.",
                        name=record.display_name,
                    )
                )
        self._set_state(
            "rectified",
            {"rectified_at": fields.Datetime.now(), "rectified_by_id": self.env.user.id},
        )
        self._activity_step_done("rectify")
        for record in self:
            record._activity_step(
                "reinspect",
                record.inspector_id,
                lambda r: r.env._("Re-inspect %(name)s", name=r.name),
            )
        return True

    def _check_reinspector(self):
        if not self.env.user.has_group("cs_property.group_property_inspector"):
            raise UserError(self.env._("Only a QA inspector re-inspects a rectification."))
        for record in self:
            if record.rectified_by_id == self.env.user:
                raise UserError(
                    self.env._(
                        "Non-conformity %(name)s: you rectified it yourself, so someone else "
                        "re-inspects it.",
                        name=record.display_name,
                    )
                )

    def action_reinspect_pass(self):
        """Re-inspection passed: the notice is closed."""
        self._check_state(("rectified",), self.env._("closing after re-inspection"))
        self._check_reinspector()
        now = fields.Datetime.now()
        today = self._notice_today()
        for record in self:
            record._set_state(
                "closed",
                {
                    "closed_at": now,
                    "reinspected_by_id": self.env.user.id,
                    "reinspection_count": record.reinspection_count + 1,
                    "on_time": not record.deadline or today <= record.deadline,
                },
            )
        return True

    def action_reinspect_fail(self):
        """Re-inspection failed: back to the team, and it counts."""
        self._check_state(("rectified",), self.env._("failing the re-inspection"))
        self._check_reinspector()
        self._activity_step_done("reinspect")
        for record in self:
            record._set_state(
                "issued",
                {
                    "reinspected_by_id": self.env.user.id,
                    "reinspection_count": record.reinspection_count + 1,
                    "reinspection_fail_count": record.reinspection_fail_count + 1,
                },
            )
            record._activity_step(
                "acknowledge",
                record.team_id.leader_id,
                lambda r: r.env._("Re-inspection failed: rectify %(name)s again", name=r.name),
                deadline=record.deadline,
            )
        return True

    def action_cancel(self):
        if not self.env.user.has_group("cs_property.group_property_manager"):
            raise UserError(self.env._("Only a manager cancels a non-conformity."))
        self._check_state(("issued", "acknowledged"), self.env._("cancelling"))
        self._set_state("cancelled")
        return True

    # ------------------------------------------------------------- SLA hooks
    def _sla_notify_warning(self, lines):
        # called by the SLA cron on a whole batch of notices
        self.with_context(mail_activity_quick_update=True)._activity_step(
            "sla_warning",
            lambda r: r.team_id.leader_id | r.inspector_id,
            lambda r: r.env._("%(name)s is about to pass its deadline", name=r.name),
            activity_type="mail.mail_activity_data_warning",
            replace=False,
        )

    def _sla_notify_escalation(self, lines, level):
        # what the inspector cannot settle in time goes to the department manager
        managers = {}

        def people(notice):
            if notice.estate_id not in managers:
                managers[notice.estate_id] = notice.estate_id._cs_managers()
            return managers[notice.estate_id]

        self.with_context(mail_activity_quick_update=True)._activity_step(
            "sla_manager",
            people,
            lambda r: r.env._("%(name)s not settled in time: escalated to you", name=r.name),
            activity_type="mail.mail_activity_data_warning",
            replace=False,
        )
        self._sla_log_note(
            people,
            lambda r: r.env._("Not settled by its deadline: escalated to the department manager."),
        )
