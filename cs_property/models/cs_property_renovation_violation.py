from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from .cs_property_workflow_guard import AGENT, FINANCE, TECHNICIAN

VIOLATION_TYPES = [
    ("noise_hours", "Noisy Work outside Work Hours"),
    ("structure", "Load-bearing Structure Touched"),
    ("facade", "Façade or Windows Changed"),
    ("no_pass", "Worker without a Valid Pass"),
    ("debris", "Debris in Common Areas"),
    ("fire", "Fire Safety Breach"),
    ("waterproofing", "Waterproofing Damaged"),
    ("other", "Other Violation"),
]


class CsPropertyRenovationViolation(models.Model):
    """A violation found on a renovation site: stop-work or rectification
    notice, deadline, deduction from the deposit, re-check that closes it."""

    _name = "cs.property.renovation.violation"
    _description = "Renovation Violation"

    # who runs each step, and what freezes when (workflow mixin, README)
    _workflow_step_roles = {
        "action_recheck_pass": (TECHNICIAN,),
        "action_deduct": (FINANCE,),
        "action_cancel": (AGENT, TECHNICIAN),
    }
    _workflow_locked_fields = {
        ("closed", "cancelled"): "__all__",
    }
    _inherit = ["mail.thread", "cs.property.workflow.mixin"]
    _order = "notice_date desc, id desc"

    name = fields.Char(
        string="Notice Number", required=True, readonly=True, copy=False, default="/"
    )
    renovation_id = fields.Many2one(
        "cs.property.renovation", required=True, index=True, ondelete="restrict"
    )
    estate_id = fields.Many2one(related="renovation_id.estate_id", store=True, index=True)
    company_id = fields.Many2one(related="renovation_id.company_id", store=True, index=True)
    unit_id = fields.Many2one(related="renovation_id.unit_id", store=True)
    contractor_id = fields.Many2one(related="renovation_id.contractor_id", store=True)
    patrol_id = fields.Many2one(
        "cs.property.renovation.patrol",
        index="btree_not_null",
        domain="[('renovation_id', '=', renovation_id)]",
    )
    violation_type = fields.Selection(
        VIOLATION_TYPES, string="Violation", required=True, tracking=True
    )
    description = fields.Text(required=True)
    notice_type = fields.Selection(
        [("rectify", "Rectification Notice"), ("stop", "Stop-Work Notice")],
        default="rectify",
        required=True,
    )
    notice_date = fields.Date(default=fields.Date.context_today, required=True)
    deadline = fields.Date(string="Rectify By", required=True, tracking=True)
    deduction_amount = fields.Monetary(string="Deduction", tracking=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    deducted = fields.Boolean(compute="_compute_deducted", store=True)
    state = fields.Selection(
        [("open", "Open"), ("closed", "Rectified"), ("cancelled", "Cancelled")],
        default="open",
        required=True,
        tracking=True,
        index=True,
        group_expand="_read_group_all_states",
    )
    recheck_note = fields.Text(string="Re-check")
    rechecked_at = fields.Datetime(readonly=True, copy=False)
    deposit_line_ids = fields.One2many("cs.property.renovation.deposit", "violation_id")

    @api.depends("deposit_line_ids")
    def _compute_deducted(self):
        for violation in self:
            violation.deducted = bool(violation.deposit_line_ids)

    @api.constrains("deduction_amount", "deadline", "notice_date")
    def _check_values(self):
        for violation in self:
            if violation.deduction_amount < 0:
                raise ValidationError(self.env._("A deduction cannot be negative."))
            if violation.deadline < violation.notice_date:
                raise ValidationError(
                    self.env._("The rectification deadline cannot be before the notice.")
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = (
                    self.env["ir.sequence"].next_by_code("cs.property.renovation.violation") or "/"
                )
        violations = super().create(vals_list)
        for violation in violations:
            if violation.renovation_id.state not in ("works", "acceptance"):
                raise UserError(
                    self.env._(
                        "Renovation %(name)s: violations are recorded while the works run.",
                        name=violation.renovation_id.name,
                    )
                )
        return violations

    def _violation_type_label(self):
        return dict(self._fields["violation_type"]._description_selection(self.env)).get(
            self.violation_type, ""
        )

    def action_recheck_pass(self):
        """Re-checked on site: rectified, the violation closes."""
        if not (self.env.su or self.env.user.has_group("cs_property.group_property_technician")):
            raise UserError(self.env._("Re-checks are recorded by engineering staff."))
        for violation in self:
            if violation.state != "open":
                raise UserError(self.env._("Violation %(name)s is not open.", name=violation.name))
            if not violation.recheck_note:
                raise UserError(
                    self.env._(
                        "Violation %(name)s: write what the re-check found.", name=violation.name
                    )
                )
        self._set_state("closed", {"rechecked_at": fields.Datetime.now()})
        return True

    def action_deduct(self):
        """Finance keeps the deduction from the deposit (liability → income)."""
        for violation in self:
            if violation.deducted:
                raise UserError(
                    self.env._("Violation %(name)s is already deducted.", name=violation.name)
                )
            if not violation.deduction_amount:
                raise UserError(
                    self.env._("Violation %(name)s has no deduction amount.", name=violation.name)
                )
            violation.renovation_id._deposit_deduct(violation)
        return True

    def action_cancel(self):
        for violation in self:
            if violation.deducted:
                raise UserError(
                    self.env._(
                        "Violation %(name)s is deducted from the deposit: it cannot be cancelled.",
                        name=violation.name,
                    )
                )
        self.filtered(lambda v: v.state == "open")._set_state("cancelled")
        return True
