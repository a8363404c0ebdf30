from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from .cs_property_inspection_standard import CHECK_TYPES, SERVICES

SEVERITIES = [
    ("minor", "Minor: Verbal Correction"),
    ("general", "General: Rectification Notice"),
    ("serious", "Serious: Fault Notice / Non-conformity Report"),
]


class CsPropertyInspectionLine(models.Model):
    """An item of one inspection, copied from the standard when the
    inspection was created (a later edit of the standard does not change it).
    Area headings are rows too (``display_type``), the way sale and invoice
    lines carry their sections; they are never answered nor counted."""

    _name = "cs.property.inspection.line"
    _description = "Inspection Item"
    _inherit = ["cs.property.workflow.line.mixin"]
    _workflow_parent_field = "inspection_id"
    # what a finished inspection still links: its non-conformities, repairs and
    # the facility a repair is raised on
    _workflow_line_exempt = ("nonconformity_id", "repair_id", "facility_id")
    _order = "inspection_id, area, sequence, id"

    inspection_id = fields.Many2one(
        "cs.property.inspection", required=True, ondelete="cascade", index=True
    )
    estate_id = fields.Many2one(related="inspection_id.estate_id", store=True, index=True)
    company_id = fields.Many2one(related="inspection_id.company_id", store=True)
    date_due = fields.Date(related="inspection_id.date_due", store=True)
    state = fields.Selection(related="inspection_id.state")
    standard_id = fields.Many2one(
        "cs.property.inspection.standard", string="Standard Item", index=True, ondelete="set null"
    )
    sequence = fields.Integer(default=10)
    display_type = fields.Selection([("line_section", "Area Heading")], default=False)
    service = fields.Selection(SERVICES)
    area = fields.Char(required=True)
    name = fields.Char(string="Item", required=True)
    method = fields.Char()
    requirement = fields.Text(string="Standard")
    check_type = fields.Selection(CHECK_TYPES, required=True, default="pass_fail")
    min_value = fields.Float(string="Minimum")
    max_value = fields.Float(string="Maximum")
    uom = fields.Char(string="Unit of Measure")
    weight = fields.Float(default=1.0)
    result = fields.Selection(
        [("pass", "Pass"), ("fail", "Fail"), ("na", "Not Applicable")],
        compute="_compute_result",
        store=True,
        readonly=False,
    )
    value = fields.Float(string="Measured")
    value_set = fields.Boolean(string="Measured?")
    photo = fields.Image(max_width=1280, max_height=1280, attachment=True)
    comment = fields.Char()
    severity = fields.Selection(SEVERITIES, default="general")
    facility_id = fields.Many2one(
        "cs.property.facility", string="Common Area", domain="[('estate_id', '=', estate_id)]"
    )
    nonconformity_id = fields.Many2one("cs.property.nonconformity", readonly=True, copy=False)
    repair_id = fields.Many2one(
        "cs.property.repair", string="Repair Order", readonly=True, copy=False
    )

    _item_service_required = models.Constraint(
        "CHECK(display_type IS NOT NULL OR service IS NOT NULL)",
        "An inspection item needs its service.",
    )

    def _measure_out_of_tolerance(self):
        """A measured item outside its tolerance (no maximum: no upper bound)."""
        self.ensure_one()
        if self.display_type or self.check_type != "measure" or not self.value_set:
            return False
        return not (self.min_value <= self.value <= (self.max_value or self.value))

    @api.depends("value", "value_set")
    def _compute_result(self):
        # a measurement decides the result itself; other items keep the inspector's choice
        for line in self:
            if line.display_type:
                line.result = False
            elif line.check_type == "measure" and line.value_set:
                line.result = "fail" if line._measure_out_of_tolerance() else "pass"
            else:
                line.result = line.result

    @api.onchange("value")
    def _onchange_value(self):
        self.value_set = True

    @api.onchange("result")
    def _onchange_result_measure(self):
        if self.result == "pass" and self._measure_out_of_tolerance():
            self.result = "fail"
            return {
                "warning": {
                    "title": self.env._("Measurement outside its tolerance"),
                    "message": self._tolerance_message(),
                }
            }
        return None

    def _tolerance_message(self):
        return self.env._(
            "Item “%(item)s”: the measured %(value)s %(uom)s is outside its tolerance "
            "(%(min)s to %(max)s): the item fails and cannot be marked passed.",
            item=f"{self.area} / {self.name}",
            value=self.value,
            uom=self.uom or "",
            min=self.min_value,
            max=self.max_value or "-",
        )

    @api.constrains("result", "value", "value_set", "min_value", "max_value", "check_type")
    def _check_measure_decides(self):
        for line in self:
            if line.result == "pass" and line._measure_out_of_tolerance():
                raise ValidationError(line._tolerance_message())

    @api.model_create_multi
    def create(self, vals_list):
        # items and area headings are the template's copy made with the inspection;
        # rows added later (e.g. from the heading's menu) would change what is scored
        ids = {vals.get("inspection_id") for vals in vals_list} - {None, False}
        inspections = self.env["cs.property.inspection"].browse(ids)
        started = inspections.filtered(lambda i: i.state != "planned")
        if started:
            raise UserError(
                self.env._(
                    "Inspection %(name)s has started: its items come from the template and "
                    "cannot be added now.",
                    name=started[0].display_name,
                )
            )
        return super().create(vals_list)

    def write(self, vals):
        # a measured 0 is a measurement too: writing the value marks it taken
        if "value" in vals and "value_set" not in vals:
            vals = dict(vals, value_set=True)
        return super().write(vals)

    def _check_complete(self):
        for line in self.filtered(lambda ln: not ln.display_type):
            label = f"{line.area} / {line.name}"
            if not line.result:
                raise UserError(self.env._("Item “%(item)s” has no result yet.", item=label))
            if line.check_type == "photo" and line.result != "na" and not line.photo:
                raise UserError(self.env._("Item “%(item)s” requires a photo.", item=label))
            if line.result == "fail" and not (line.photo or line.comment):
                raise UserError(
                    self.env._(
                        "Item “%(item)s” failed: add a photo or a comment saying what is wrong.",
                        item=label,
                    )
                )

    def _responsible_team(self):
        inspection = self.inspection_id
        return inspection.inspected_team_id or inspection.estate_id._team_of_type(self.service)

    def _create_nonconformities(self):
        """One non-conformity per failed item, in one batch."""
        lines = self.filtered(
            lambda ln: not ln.display_type and ln.result == "fail" and not ln.nonconformity_id
        )
        if not lines:
            return self.env["cs.property.nonconformity"]
        Nonconformity = self.env["cs.property.nonconformity"].sudo()
        records = Nonconformity.create(
            [
                {
                    "estate_id": line.estate_id.id,
                    "inspection_id": line.inspection_id.id,
                    "line_id": line.id,
                    "standard_id": line.standard_id.id,
                    "service": line.service,
                    "area": line.area,
                    "item": line.name,
                    "description": line.comment or line.requirement,
                    "facility_id": line.facility_id.id,
                    "team_id": line._responsible_team().id,
                    "inspector_id": line.inspection_id.inspector_id.id,
                    "severity": line.severity or "general",
                }
                for line in lines
            ]
        )
        for line, record in zip(lines, records, strict=True):
            line.nonconformity_id = record
        records._after_issue()
        return records
