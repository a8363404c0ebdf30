from odoo import Command, api, fields, models
from odoo.exceptions import ValidationError

PLAN_KINDS = [
    ("office", "Daily Office Inspection"),
    ("company", "Company QA Inspection"),
]


class CsPropertyInspectionPlan(models.Model):
    """Who inspects what, and when: the daily check of an office by its own
    inspector, or the QA department's weekly round of every office (a team:
    any of its members takes each inspection)."""

    _name = "cs.property.inspection.plan"
    _description = "Inspection Plan"
    _inherit = ["cs.property.estate.mixin", "cs.property.recurrence.mixin", "mail.thread"]
    _order = "estate_id, name, id"
    _recurrence_target_model = "cs.property.inspection"

    name = fields.Char(required=True, tracking=True)
    kind = fields.Selection(PLAN_KINDS, required=True, default="office", tracking=True)
    template_id = fields.Many2one(
        "cs.property.inspection.template", required=True, tracking=True, ondelete="restrict"
    )
    inspector_id = fields.Many2one(
        "res.users",
        string="Inspector",
        tracking=True,
        domain="[('share', '=', False)]",
        help="Or name an inspecting team instead.",
    )
    inspector_team_id = fields.Many2one(
        "cs.property.team",
        string="Inspecting Team",
        tracking=True,
        index="btree_not_null",
        domain="[('company_id', '=', company_id)]",
        help="Instead of one inspector: any member of the team takes an inspection by starting it.",
    )
    inspected_team_id = fields.Many2one(
        "cs.property.team",
        string="Inspected Team",
        domain="[('estate_id', '=', estate_id)]",
        help="Leave empty: each failed item goes to the estate's team of its service.",
    )
    facility_ids = fields.Many2many(
        "cs.property.facility",
        string="Common Areas",
        domain="[('estate_id', '=', estate_id)]",
    )
    unit_ids = fields.Many2many(
        "cs.property.unit",
        string="Units",
        domain="[('estate_id', '=', estate_id)]",
    )
    inspection_ids = fields.One2many("cs.property.inspection", "plan_id", string="Inspections")
    inspection_count = fields.Integer(compute="_compute_inspection_count")

    def _compute_inspection_count(self):
        Inspection = self.env["cs.property.inspection"]
        groups = Inspection._read_group(
            domain=[("plan_id", "in", self.ids)], groupby=["plan_id"], aggregates=["__count"]
        )
        counts = dict(groups)
        for plan in self:
            plan.inspection_count = counts.get(plan, 0)

    # template_id is always written at creation: the check runs even when neither
    # inspector field is given
    @api.constrains("inspector_id", "inspector_team_id", "template_id")
    def _check_inspector_or_team(self):
        for plan in self:
            if bool(plan.inspector_id) == bool(plan.inspector_team_id):
                raise ValidationError(
                    self.env._(
                        "Plan “%(plan)s”: name either an Inspector or an Inspecting Team "
                        "(one of the two, not both).",
                        plan=plan.display_name,
                    )
                )

    def _recurrence_prepare_targets(self, occurrences):
        commands = {}
        vals_list = []
        for plan, day in occurrences:
            template = plan.template_id
            if template not in commands:
                commands[template] = template._line_commands()
            vals_list.append(
                {
                    "plan_id": plan.id,
                    "estate_id": plan.estate_id.id,
                    "template_id": template.id,
                    "kind": plan.kind,
                    "date_due": day,
                    "inspector_id": plan.inspector_id.id,
                    "inspector_team_id": plan.inspector_team_id.id,
                    "inspected_team_id": plan.inspected_team_id.id,
                    "unit_ids": [Command.set(plan.unit_ids.ids)],
                    "line_ids": commands[template],
                }
            )
        return vals_list

    @api.constrains("estate_id", "unit_ids")
    def _check_units_in_estate(self):
        self.env["cs.property.inspection"]._check_units_of(self)

    def _recurrence_target_open_domain(self):
        # an inspection already started is being done (late), not missed
        return [("state", "=", "planned")]

    def _recurrence_notify_missed(self, missed):
        self.ensure_one()
        # a team inspection nobody took is the team leader's to answer for
        managers = self.estate_id._cs_managers().union(
            *(i.inspector_id or i.inspector_team_id.leader_id for i in missed)
        )
        dates = ", ".join(str(d) for d in sorted(missed.mapped("date_due")))
        for user in managers:
            self._post_missed_note(user, dates)

    def _post_missed_note(self, user, dates):
        plan = self.with_context(lang=user.lang or "en_US")
        plan.message_post(
            body=plan.env._(
                "Inspections missed on %(dates)s (not done by their date).", dates=dates
            ),
            partner_ids=user.partner_id.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )

    @api.model
    def _cron_generate(self):
        """Daily: create the inspections of the horizon, flag the missed ones."""
        plans = self.search([("active", "=", True)])
        plans._recurrence_generate()
        plans._recurrence_flag_missed()
        return True

    def action_view_inspections(self):
        self.ensure_one()
        name = self.env._("Inspections")
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": "cs.property.inspection",
            "view_mode": "list,kanban,form",
            "domain": [("plan_id", "=", self.id)],
            "context": {"default_plan_id": self.id},
        }
