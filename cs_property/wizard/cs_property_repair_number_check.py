import re
from datetime import timedelta

from markupsafe import Markup, escape

from odoo import api, fields, models


class CsPropertyRepairNumberCheck(models.TransientModel):
    """Daily check of service-order numbers (缺号/断号): numbers missing from the
    series and numbers cancelled in the period."""

    _name = "cs.property.repair.number.check"
    _description = "Service Order Number Check"

    date_from = fields.Date(required=True, default=fields.Date.context_today)
    date_to = fields.Date(required=True, default=fields.Date.context_today)
    company_id = fields.Many2one("res.company", required=True, default=lambda s: s.env.company)
    missing_numbers = fields.Text(compute="_compute_result")
    cancelled_numbers = fields.Text(compute="_compute_result")
    summary = fields.Html(compute="_compute_result")

    @api.depends("date_from", "date_to", "company_id")
    def _compute_result(self):
        for wizard in self:
            missing, cancelled, total = wizard._check()
            wizard.missing_numbers = ", ".join(missing)
            wizard.cancelled_numbers = ", ".join(cancelled)
            wizard.summary = Markup("<p>%s</p>") % escape(
                self.env._(
                    "%(total)s orders, %(missing)s missing numbers, %(cancelled)s cancelled.",
                    total=total,
                    missing=len(missing),
                    cancelled=len(cancelled),
                )
            )

    def _check(self):
        """Return (missing numbers, cancelled numbers, order count) of the period.

        Numbers are prefix + digits; a gap between the lowest and highest number
        of a prefix is a missing number."""
        self.ensure_one()
        orders = (
            self.env["cs.property.repair"]
            .sudo()
            .search(
                [
                    ("company_id", "=", self.company_id.id),
                    ("received_at", ">=", fields.Datetime.to_datetime(self.date_from)),
                    (
                        "received_at",
                        "<",
                        fields.Datetime.to_datetime(self.date_to) + timedelta(days=1),
                    ),
                ],
                order="name",
            )
        )
        by_prefix = {}
        for order in orders:
            match = re.fullmatch(r"(.*?)(\d+)", order.name or "")
            if match:
                prefix, digits = match.groups()
                by_prefix.setdefault((prefix, len(digits)), set()).add(int(digits))
        candidates = []
        for (prefix, width), numbers in sorted(by_prefix.items()):
            gaps = sorted(set(range(min(numbers), max(numbers) + 1)) - numbers)
            candidates += [f"{prefix}{n:0{width}d}" for n in gaps]
        # a number received outside the period is not missing: look it up anywhere
        found = set(
            self.env["cs.property.repair"]
            .sudo()
            .search([("company_id", "=", self.company_id.id), ("name", "in", candidates)])
            .mapped("name")
        )
        missing = [name for name in candidates if name not in found]
        cancelled = orders.filtered(lambda o: o.state == "cancelled").mapped("name")
        return missing, cancelled, len(orders)
