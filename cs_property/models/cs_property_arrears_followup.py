from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Domain
from odoo.tools import split_every

from .cs_property_workflow_guard import AGENT, FINANCE, MANAGER
from .cs_property_workflow_mixin import report_action_for_rpc

FOLLOWUP_STATES = [
    ("open", "In Follow-up"),
    ("closed", "Cleared"),
]
LEVEL_STATES = [
    ("todo", "Action Due"),
    ("done", "Action Done"),
    ("skipped", "Action Skipped"),
]
PAUSE_REASONS = [
    ("promise", "Promise to Pay"),
    ("dispute", "Dispute"),
]
ARREARS_CAUSES = [
    ("owner", "Owner's Own Reason"),
    ("service", "Service Failure"),
    ("third_party", "Third Party"),
]


class CsPropertyArrearsFollowup(models.Model):
    """The follow-up (催缴) of one payer's arrears on one unit.

    Opened by the daily ladder at the first arrears, moved up a level as
    the arrears age or grow, closed when the invoices are paid: every step
    leaves activities for the people of the level and a note in the chatter.
    """

    _name = "cs.property.arrears.followup"
    _description = "Arrears Follow-up"

    # who runs each step, and what freezes when (workflow mixin, README)
    _workflow_step_roles = {
        "action_level_done": (AGENT, MANAGER),
        "action_skip_level": (AGENT, MANAGER),
        "action_record_cause": (AGENT,),
        "action_print_demand_letter": (AGENT, FINANCE),
    }
    _workflow_locked_fields = {
        "closed": "__all__",
    }
    # the ladder climbs one rung at a time through its steps only
    _workflow_system_fields = (
        "unit_id",
        "partner_id",
        "level_id",
        "level_state",
        "demand_deadline",
        "legal_action",
        "date_cleared",
    )
    _inherit = [
        "cs.property.estate.mixin",
        "cs.property.workflow.mixin",
        "mail.thread",
        "mail.activity.mixin",
    ]
    _order = "state, level_sequence desc, id desc"
    _rec_name = "unit_id"

    unit_id = fields.Many2one(
        "cs.property.unit", required=True, index=True, ondelete="restrict", readonly=True
    )
    estate_id = fields.Many2one(
        compute="_compute_estate_id", default=None, store=True, readonly=True, precompute=True
    )
    partner_id = fields.Many2one("res.partner", string="Payer", required=True, readonly=True)
    state = fields.Selection(
        FOLLOWUP_STATES,
        default="open",
        required=True,
        tracking=True,
        group_expand="_read_group_all_states",
    )
    level_id = fields.Many2one("cs.property.arrears.level", readonly=True, tracking=True)
    level_code = fields.Selection(related="level_id.code")
    level_state = fields.Selection(
        LEVEL_STATES,
        string="Level Action",
        readonly=True,
        tracking=True,
        help="The ladder climbs to the next level only once this level's action is done "
        "or skipped with a reason.",
    )
    skip_reason = fields.Char(
        string="Reason to Skip",
        tracking=True,
        help="Why this level's action is not taken (e.g. the payer cannot be reached).",
    )
    pause_reason = fields.Selection(
        PAUSE_REASONS,
        string="Escalation Paused For",
        tracking=True,
        help="A promise to pay or a dispute stops the ladder until its date.",
    )
    pause_until = fields.Date(string="Paused Until", tracking=True)
    level_sequence = fields.Integer(related="level_id.sequence", store=True)
    cause = fields.Selection(ARREARS_CAUSES, tracking=True)
    cause_note = fields.Text(string="What the Payer Said", tracking=True)
    demand_deadline = fields.Date(string="Payment Deadline", readonly=True, tracking=True)
    legal_action = fields.Boolean(string="Flagged for Legal Action", readonly=True, tracking=True)
    date_cleared = fields.Date(readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount_overdue = fields.Monetary(compute="_compute_arrears", string="Overdue Balance")
    days_overdue = fields.Integer(compute="_compute_arrears")
    oldest_due = fields.Date(compute="_compute_arrears", string="Oldest Due Date")

    _open_uniq = models.UniqueIndex(
        "(unit_id, partner_id) WHERE state = 'open'",
        "This payer's arrears on this unit are already in follow-up.",
    )

    @api.depends("unit_id")
    def _compute_estate_id(self):
        for followup in self:
            if followup.unit_id:
                followup.estate_id = followup.unit_id.estate_id

    def _compute_arrears(self):
        arrears = self.env["cs.property.arrears"]._arrears_by_unit_partner(
            [("unit_id", "in", self.unit_id.ids)]
        )
        for followup in self:
            amount, days, oldest = arrears.get(
                (followup.unit_id.id, followup.partner_id.id), (0.0, 0, False)
            )
            followup.amount_overdue = amount
            followup.days_overdue = days
            followup.oldest_due = oldest

    @api.depends("unit_id", "partner_id")
    def _compute_display_name(self):
        for followup in self:
            followup.display_name = f"{followup.unit_id.display_name} / {followup.partner_id.name}"

    # ------------------------------------------------------------ actors
    def _level_users(self, level):
        """Who acts on ``level`` for this follow-up's estate."""
        self.ensure_one()
        estate = self.estate_id
        agent = self.env.ref("cs_property.group_property_agent")
        manager = self.env.ref("cs_property.group_property_manager")
        users = self.env["res.users"]
        staff = estate.user_ids.filtered("active")
        if level.notify_steward:
            users |= staff.filtered(
                lambda u: agent in u.all_group_ids and manager not in u.all_group_ids
            )
        if level.notify_supervisor:
            users |= estate._team_of_type("customer_service").leader_id
        if level.notify_manager:
            users |= staff.filtered(lambda u: manager in u.all_group_ids) - estate.manager_id
        if level.notify_project_manager:
            users |= estate.manager_id
        return users

    # ------------------------------------------------------------ the ladder
    @api.model
    def _cron_apply_ladder(self):
        return self._apply_ladder()

    @api.model
    def _apply_ladder(self, batch_size=500):
        """Open, escalate and close follow-ups from today's arrears. Idempotent:
        a level reached once is not repeated; safe to run again after downtime."""
        # money on account (预收, unmatched payments) pays the oldest bills first
        arrears = self.env["cs.property.arrears"]._arrears_by_unit_partner()
        partners = self.env["res.partner"].browse({partner for _unit, partner in arrears})
        if partners and self.env["account.move"].sudo()._cs_apply_customer_credits(partners):
            arrears = self.env["cs.property.arrears"]._arrears_by_unit_partner()
        levels = self.env["cs.property.arrears.level"].search(
            [("company_id", "in", [False, *self.env.companies.ids])]
        )
        open_followups = self.search([("state", "=", "open")])
        by_key = {(f.unit_id.id, f.partner_id.id): f for f in open_followups}
        new_keys = [key for key in arrears if key not in by_key]
        for keys in split_every(batch_size, new_keys):
            created = self.create(
                [{"unit_id": unit, "partner_id": partner} for unit, partner in keys]
            )
            by_key.update({(f.unit_id.id, f.partner_id.id): f for f in created})
        cleared = self.browse(f.id for key, f in by_key.items() if key not in arrears)
        cleared._close_cleared()
        today = fields.Date.context_today(self)
        for key, followup in by_key.items():
            if key not in arrears or followup._ladder_waits(today):
                continue
            amount, days, _oldest = arrears[key]
            company_levels = levels.filtered(
                lambda lv, f=followup: not lv.company_id or lv.company_id == f.company_id
            ).sorted("sequence")
            # one rung at a time: the next level above the current one, reached
            # when it or any level above it applies (a large balance that
            # warrants legal action still goes through contact, visits, demand)
            current = followup.level_id.sequence if followup.level_id else None
            above = company_levels.filtered(lambda lv, c=current: c is None or lv.sequence > c)
            if above and any(lv._applies(days, amount) for lv in above):
                followup._escalate(above[0])
        return True

    @api.constrains("pause_until", "pause_reason")
    def _check_pause(self):
        for followup in self:
            if followup.pause_until and not followup.pause_reason:
                raise ValidationError(
                    self.env._(
                        "Follow-up of %(unit)s: a pause needs its reason (promise to pay or "
                        "dispute).",
                        unit=followup.unit_id.display_name,
                    )
                )

    def _ladder_waits(self, today):
        """The ladder leaves this follow-up where it is: its level's action is
        still due, or a promise to pay or a dispute runs until a later date."""
        self.ensure_one()
        if self.pause_until and self.pause_until >= today:
            return True
        return bool(self.level_id) and self.level_state == "todo"

    def _escalate(self, level):
        self.ensure_one()
        vals = {"level_id": level.id, "level_state": "todo", "skip_reason": False}
        if level.code == "demand":
            vals["demand_deadline"] = fields.Date.context_today(self) + timedelta(
                days=level.deadline_days
            )
        if level.code == "legal":
            vals["legal_action"] = True
        self._workflow_system_write(vals)
        users = self._level_users(level)
        summaries = {
            "contact": lambda r: r.env._(
                "Contact the payer about the arrears and record the cause"
            ),
            "visit": lambda r: r.env._("Call and visit the payer: arrears over six months"),
            "demand": lambda r: r.env._(
                "Deliver the demand letter and report to the project manager"
            ),
            "legal": lambda r: r.env._("Decide on legal action for these arrears"),
        }
        self._activity_step(
            f"arrears_{level.code}",
            users,
            summaries[level.code],
            activity_type="mail.mail_activity_data_call"
            if level.code in ("contact", "visit")
            else "mail.mail_activity_data_todo",
            deadline=fields.Date.context_today(self) + timedelta(days=level.deadline_days),
        )
        for user in users:
            self._post_note_for(
                user,
                lambda r, lv=level: r.env._(
                    "Arrears follow-up level “%(level)s” reached: %(amount)s overdue.",
                    level=lv.with_context(lang=r.env.lang).name,
                    amount=r.amount_overdue,
                ),
            )
        if not users:
            self.message_post(
                body=self.env._("Arrears follow-up level “%(level)s” reached.", level=level.name)
            )
        return True

    def _close_cleared(self):
        """The arrears are paid: close the follow-up and its open activities."""
        for followup in self.filtered(lambda f: f.state == "open"):
            followup._set_state("closed", {"date_cleared": fields.Date.context_today(followup)})
            followup.message_post(body=self.env._("Arrears paid: follow-up closed."))
        return True

    @api.model
    def _refresh_for_moves(self, moves):
        """Payments changed these charge invoices: close what is now cleared."""
        units = moves.invoice_line_ids.cs_unit_id
        followups = self.search(
            Domain("unit_id", "in", units.ids)
            & Domain("partner_id", "in", moves.partner_id.ids)
            & Domain("state", "=", "open")
        )
        if not followups:
            return True
        arrears = self.env["cs.property.arrears"]._arrears_by_unit_partner(
            [("unit_id", "in", followups.unit_id.ids)]
        )
        followups.filtered(
            lambda f: (f.unit_id.id, f.partner_id.id) not in arrears
        )._close_cleared()
        return True

    # ------------------------------------------------------------ buttons
    def action_record_cause(self):
        for followup in self:
            if not followup.cause:
                raise UserError(
                    self.env._(
                        "Follow-up of %(unit)s: choose the cause of the arrears first.",
                        unit=followup.unit_id.display_name,
                    )
                )
            followup._activity_step_done("arrears_contact")
            if followup.level_code == "contact" and followup.level_state == "todo":
                followup._workflow_system_write({"level_state": "done"})
        service = self.filtered(lambda f: f.cause == "service")
        if len(service) == 1:
            # a service failure behind the arrears is a complaint to handle
            return {
                "type": "ir.actions.act_window",
                "res_model": "cs.property.complaint",
                "view_mode": "form",
                "target": "current",
                "context": {
                    "default_unit_id": service.unit_id.id,
                    "default_estate_id": service.estate_id.id,
                    "default_partner_id": service.partner_id.id,
                    "default_description": service.cause_note or "",
                },
            }
        return True

    def action_level_done(self):
        """The action of the current level is done (called, visited, letter
        delivered, legal decision taken): the ladder may climb further."""
        for followup in self:
            followup._check_level_due()
            followup._activity_step_done(f"arrears_{followup.level_code}")
            followup._workflow_system_write({"level_state": "done"})
            followup.message_post(
                body=self.env._("Level “%(level)s”: action done.", level=followup.level_id.name)
            )
        return True

    def action_skip_level(self):
        """The current level's action is not taken, for a reason on record."""
        for followup in self:
            followup._check_level_due()
            if not (followup.skip_reason or "").strip():
                raise UserError(
                    self.env._(
                        "Follow-up of %(unit)s: write why the level “%(level)s” is skipped first.",
                        unit=followup.unit_id.display_name,
                        level=followup.level_id.name,
                    )
                )
            followup._activity_step_done(f"arrears_{followup.level_code}")
            followup._workflow_system_write({"level_state": "skipped"})
            followup.message_post(
                body=self.env._(
                    "Level “%(level)s” skipped: %(reason)s",
                    level=followup.level_id.name,
                    reason=followup.skip_reason,
                )
            )
        return True

    def _check_level_due(self):
        self.ensure_one()
        if self.state != "open" or not self.level_id or self.level_state != "todo":
            raise UserError(
                self.env._(
                    "Follow-up of %(unit)s: no level action is due.",
                    unit=self.unit_id.display_name,
                )
            )

    def action_print_demand_letter(self):
        for followup in self:
            if followup.level_code not in ("demand", "legal"):
                raise UserError(
                    self.env._(
                        "Follow-up of %(unit)s has not reached the demand-letter level.",
                        unit=followup.unit_id.display_name,
                    )
                )
        return report_action_for_rpc(
            self.env.ref("cs_property.action_report_cs_property_demand_letter"), self
        )
