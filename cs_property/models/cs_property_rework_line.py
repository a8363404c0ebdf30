from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

AGE_BUCKETS = [
    ("0_7", "Up to 7 Days"),
    ("8_30", "8 to 30 Days"),
    ("31_90", "31 to 90 Days"),
    ("90_plus", "Over 90 Days"),
]


class CsPropertyReworkLine(models.Model):
    """One defect of a rework order: what and where, its warranty class, and
    the register columns (返修问题汇总跟进表) stored for list, pivot and export."""

    _name = "cs.property.rework.line"
    _description = "Rework Item"
    _inherit = ["cs.property.workflow.line.mixin"]
    _workflow_parent_field = "rework_id"
    _order = "rework_id desc, sequence, id"

    rework_id = fields.Many2one(
        "cs.property.rework", required=True, index=True, ondelete="cascade", string="Rework Order"
    )
    sequence = fields.Integer(default=10)
    room = fields.Char(help="Room or place, e.g. 主卧 / 卫生间.")
    name = fields.Char(string="Item", required=True)
    description = fields.Text(string="Defect")
    category_id = fields.Many2one(
        "cs.property.repair.category",
        string="Warranty Class",
        required=True,
        index=True,
        help="The repair category gives the statutory warranty period.",
    )
    photo = fields.Image(max_width=1024, max_height=1024, attachment=True)
    handover_line_id = fields.Many2one(
        "cs.property.handover.line", string="Handover Item", index="btree_not_null", copy=False
    )
    warranty_end = fields.Date(compute="_compute_warranty_end", store=True, precompute=True)
    # register columns, stored so the pivot can group and the export is flat
    state = fields.Selection(related="rework_id.state", store=True, index=True)
    severity = fields.Selection(related="rework_id.severity", store=True)
    estate_id = fields.Many2one(related="rework_id.estate_id", store=True, index=True)
    company_id = fields.Many2one(related="rework_id.company_id", store=True, index=True)
    building_id = fields.Many2one(related="rework_id.building_id", store=True, index=True)
    unit_id = fields.Many2one(related="rework_id.unit_id", store=True, index=True)
    developer_id = fields.Many2one(related="rework_id.developer_id", store=True, index=True)
    contractor_id = fields.Many2one(related="rework_id.contractor_id", store=True, index=True)
    received_at = fields.Datetime(related="rework_id.received_at", store=True)
    promised_date = fields.Date(related="rework_id.promised_date", store=True)
    is_overdue = fields.Boolean(related="rework_id.is_overdue", store=True, string="Overdue")
    is_disputed = fields.Boolean(related="rework_id.is_disputed", store=True, string="Disputed")
    is_repeat = fields.Boolean(
        compute="_compute_is_repeat", store=True, index=True, string="Repeated"
    )
    age_bucket = fields.Selection(AGE_BUCKETS, compute="_compute_age_bucket", store=True)
    age_days = fields.Integer(compute="_compute_age_bucket", store=True, aggregator="avg")

    _repeat_idx = models.Index("(unit_id, category_id, state)")

    @api.depends("rework_id.unit_id.warranty_start_date", "category_id.warranty_months")
    def _compute_warranty_end(self):
        for line in self:
            start = line.rework_id.unit_id.warranty_start_date or (
                line.rework_id.facility_id.building_id.completion_date
            )
            months = line.category_id.warranty_months
            line.warranty_end = start + relativedelta(months=months) if start and months else False

    @api.depends("rework_id.unit_id", "category_id")
    def _compute_is_repeat(self):
        """Same unit and warranty class closed before: one search for the batch."""
        lines = self.filtered(lambda ln: ln.rework_id.unit_id and ln.category_id)
        self.is_repeat = False
        if not lines:
            return
        closed = self.sudo()._read_group(
            [
                ("unit_id", "in", lines.rework_id.unit_id.ids),
                ("category_id", "in", lines.category_id.ids),
                ("state", "=", "closed"),
            ],
            ["unit_id", "category_id"],
            ["__count"],
        )
        seen = {(unit.id, category.id) for unit, category, _count in closed}
        for line in lines:
            line.is_repeat = (line.rework_id.unit_id.id, line.category_id.id) in seen

    @api.depends("rework_id.received_at", "rework_id.state")
    def _compute_age_bucket(self):
        today = fields.Date.context_today(self)
        for line in self:
            received = line.rework_id.received_at
            days = (today - received.date()).days if received else 0
            line.age_days = days
            line.age_bucket = (
                "0_7"
                if days <= 7
                else "8_30"
                if days <= 30
                else "31_90"
                if days <= 90
                else "90_plus"
            )

    def _refresh_age_bucket(self):
        """The age moves with the calendar: the daily cron refreshes it."""
        self.rework_id._refresh_today_flags()
        return True

    # ------------------------------------------------------------ warranty check
    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines._check_warranty()
        return lines

    def write(self, vals):
        result = super().write(vals)
        if "category_id" in vals:
            self._check_warranty()
        return result

    def _check_warranty(self):
        """The developer answers only for defects inside the statutory period."""
        today = fields.Date.context_today(self)
        for line in self:
            order = line.rework_id
            start = (
                order.unit_id.warranty_start_date or order.facility_id.building_id.completion_date
            )
            if not start:
                raise UserError(
                    self.env._(
                        "Rework item “%(item)s”: the building has no completion acceptance "
                        "date, so the developer's warranty cannot be checked. Record it on "
                        "the building first.",
                        item=line.name,
                    )
                )
            if not line.category_id.warranty_months:
                raise UserError(
                    self.env._(
                        "Rework item “%(item)s”: “%(category)s” is not covered by the "
                        "developer's warranty: handle it as a service order.",
                        item=line.name,
                        category=line.category_id.name,
                    )
                )
            reference = order.received_at.date() if order.received_at else today
            if line.warranty_end and reference >= line.warranty_end:
                raise UserError(
                    self.env._(
                        "Rework item “%(item)s” is out of warranty since %(end)s: "
                        "“%(category)s” is covered for %(months)s months from the completion "
                        "acceptance of %(start)s. Handle it as a paid service order.",
                        item=line.name,
                        end=line.warranty_end,
                        category=line.category_id.name,
                        months=line.category_id.warranty_months,
                        start=start,
                    )
                )
