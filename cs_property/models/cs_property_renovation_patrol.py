from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain

from .cs_property_workflow_guard import AGENT, TECHNICIAN

CHECK_ITEMS = (
    "check_structure",
    "check_waterproofing",
    "check_fire",
    "check_debris",
    "check_hours",
    "check_passes",
)


class CsPropertyRenovationPatrol(models.Model):
    """A patrol of a renovation site (装修巡查): at least two per renovation."""

    _name = "cs.property.renovation.patrol"
    _description = "Renovation Patrol"

    # who runs each step, and what freezes when (workflow mixin, README)
    _workflow_step_roles = {
        "action_done": (TECHNICIAN,),
        "action_cancel": (AGENT,),
        "action_new_violation": (TECHNICIAN, AGENT),
    }
    _workflow_locked_fields = {
        ("done", "cancelled"): "__all__",
    }
    _inherit = ["mail.thread", "mail.activity.mixin", "cs.property.workflow.mixin"]
    _order = "planned_date, renovation_id, sequence"

    name = fields.Char(compute="_compute_name", store=True)
    renovation_id = fields.Many2one(
        "cs.property.renovation", required=True, index=True, ondelete="restrict"
    )
    estate_id = fields.Many2one(related="renovation_id.estate_id", store=True, index=True)
    company_id = fields.Many2one(related="renovation_id.company_id", store=True, index=True)
    unit_id = fields.Many2one(related="renovation_id.unit_id", store=True)
    sequence = fields.Integer(string="Patrol No.", required=True, readonly=True, default=1)
    planned_date = fields.Date(required=True, index=True)
    inspector_id = fields.Many2one("res.users", string="Patrolled by", tracking=True)
    is_overdue = fields.Boolean(
        string="Overdue",
        compute="_compute_is_overdue",
        search="_search_is_overdue",
        help="Planned for a day already past and not patrolled yet (right whenever read).",
    )
    done_at = fields.Datetime(string="Patrolled On", readonly=True, copy=False)
    state = fields.Selection(
        [("planned", "Planned"), ("done", "Patrolled"), ("cancelled", "Cancelled")],
        default="planned",
        required=True,
        tracking=True,
        index=True,
        group_expand="_read_group_all_states",
    )
    check_structure = fields.Boolean(string="Structure Untouched")
    check_waterproofing = fields.Boolean(string="Waterproofing Intact")
    check_fire = fields.Boolean(string="Fire Safety")
    check_debris = fields.Boolean(string="Debris Bagged and Removed")
    check_hours = fields.Boolean(string="Within Work Hours")
    check_passes = fields.Boolean(string="All Workers Hold Passes")
    photo_ids = fields.Many2many(
        "ir.attachment", "cs_property_renovation_patrol_photo_rel", string="Photos"
    )
    note = fields.Text()
    violation_ids = fields.One2many(
        "cs.property.renovation.violation", "patrol_id", string="Violations"
    )

    _renovation_sequence_uniq = models.Constraint(
        "unique(renovation_id, sequence)", "A renovation has one patrol of each number."
    )

    @api.depends("renovation_id.name", "sequence")
    def _compute_name(self):
        for patrol in self:
            patrol.name = f"{patrol.renovation_id.name or ''} #{patrol.sequence}"

    def _workflow_final_states(self):
        return ("done", "cancelled")

    @api.depends("state", "planned_date")
    @api.depends_context("tz")
    def _compute_is_overdue(self):
        today = fields.Date.context_today(self)
        for patrol in self:
            patrol.is_overdue = patrol.state == "planned" and patrol.planned_date < today

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        today = fields.Date.context_today(self)
        domain = Domain("state", "=", "planned") & Domain("planned_date", "<", today)
        return domain if (operator == "=") == value else ~domain

    def _patrol_people(self):
        """Who must patrol: the named patrol officer, else the estate's managers."""
        self.ensure_one()
        return self.inspector_id or self.estate_id._cs_managers()

    def _activity_patrol(self):
        """The person who must patrol gets one activity due on the planned day
        (moved when the patrol officer changes)."""
        planned = self.filtered(lambda p: p.state == "planned")
        planned._activity_step(
            "patrol",
            lambda p: p._patrol_people(),
            lambda p: p.env._("Patrol %(name)s of %(unit)s", name=p.name, unit=p.unit_id.name),
            deadline=lambda p: p.planned_date,
        )
        return True

    def write(self, vals):
        result = super().write(vals)
        if {"inspector_id", "planned_date"} & set(vals):
            if "planned_date" in vals:
                self._activity_open("patrol").write({"date_deadline": vals["planned_date"]})
            self._activity_patrol()
        return result

    # ------------------------------------------------------------ planner
    @api.model
    def _planned_dates(self, reno):
        """First patrol a few days after the start, then at the estate's
        interval, and never fewer than two before the end."""
        estate = reno.estate_id
        start, end = reno.date_start, reno.date_end
        first = min(start + timedelta(days=max(estate.renovation_patrol_first_days, 0)), end)
        step = timedelta(days=max(estate.renovation_patrol_interval_days, 1))
        dates = [first]
        while dates[-1] + step <= end:
            dates.append(dates[-1] + step)
        if len(dates) < 2:
            dates.append(max(end, first + timedelta(days=1)))
        return dates

    @api.model
    def _plan_for(self, renovations):
        """Create the missing patrols of ``renovations`` (works in progress):
        one read of the existing keys, one batch create; running it again
        creates nothing."""
        renovations = renovations.filtered(lambda r: r.state == "works")
        if not renovations:
            return self.browse()
        self.env.cr.execute(
            "SELECT renovation_id, sequence FROM cs_property_renovation_patrol "
            "WHERE renovation_id IN %s",
            [tuple(renovations.ids)],
        )
        existing = set(self.env.cr.fetchall())
        vals_list = []
        for reno in renovations:
            inspector = reno.estate_id._team_of_type("engineering").leader_id
            for seq, date in enumerate(self._planned_dates(reno), start=1):
                if (reno.id, seq) not in existing:
                    vals_list.append(
                        {
                            "renovation_id": reno.id,
                            "sequence": seq,
                            "planned_date": date,
                            "inspector_id": inspector.id,
                        }
                    )
        patrols = self.sudo().create(vals_list)
        patrols._activity_patrol()
        return patrols

    @api.model
    def _cron_plan_patrols(self):
        """Daily: every running renovation has its patrols planned (catches up
        after downtime, never duplicates)."""
        renovations = self.env["cs.property.renovation"].search([("state", "=", "works")])
        return self._plan_for(renovations)

    # ------------------------------------------------------------ actions
    def action_done(self):
        """Record the patrol: an item not in order needs its violation."""
        if not (self.env.su or self.env.user.has_group("cs_property.group_property_technician")):
            raise UserError(self.env._("Patrols are recorded by engineering staff."))
        for patrol in self:
            if patrol.state != "planned":
                raise UserError(self.env._("Patrol %(name)s is already closed.", name=patrol.name))
            if any(not patrol[item] for item in CHECK_ITEMS) and not patrol.violation_ids:
                raise UserError(
                    self.env._(
                        "Patrol %(name)s: an item of the checklist is not in order; record "
                        "the violation found.",
                        name=patrol.name,
                    )
                )
            patrol._set_state(
                "done",
                {
                    "done_at": fields.Datetime.now(),
                    "inspector_id": patrol.inspector_id.id or self.env.user.id,
                },
            )
        return True

    def action_cancel(self):
        self.filtered(lambda p: p.state == "planned")._set_state("cancelled")
        return True

    def action_new_violation(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "cs.property.renovation.violation",
            "view_mode": "form",
            "context": {
                "default_renovation_id": self.renovation_id.id,
                "default_patrol_id": self.id,
            },
        }
