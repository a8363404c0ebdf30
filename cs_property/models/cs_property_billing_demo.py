from collections import defaultdict
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

# Payment habits of the demo payers, by position: most pay each quarter on
# time, a few stopped paying some months ago so that every aging bucket has
# units in it, one never paid.
_STOPPED_MONTHS_AGO = {0: 13, 1: 8, 2: 5, 3: 3, 4: 1}


class CsPropertyBillingRun(models.Model):
    _inherit = "cs.property.billing.run"

    @api.model
    def _demo_bill_year(self, estate_id):
        """A year of monthly charges for ``estate`` with realistic payments,
        through the billing runs and Odoo's register-payment (demo data)."""
        estate = self.env["cs.property.estate"].browse(estate_id)
        today = fields.Date.context_today(self)
        first = today.replace(day=1) - relativedelta(months=12)
        months = [first + relativedelta(months=i) for i in range(13)]
        for month in months:
            run = self.create(
                {
                    "estate_ids": [fields.Command.set(estate.ids)],
                    "period_type": "month",
                    "date_start": month,
                    "invoice_date": month,
                    "batch_size": 10000,
                }
            )
            run.action_preview()
            run.action_confirm()
        lines = self.env["cs.property.billing.line"].search(
            [("estate_id", "=", estate.id), ("released", "=", False)]
        )
        by_partner = defaultdict(lambda: self.env["account.move"])
        for line in lines:
            by_partner[line.partner_id] |= line.move_id
        for position, (_partner, moves) in enumerate(
            sorted(by_partner.items(), key=lambda kv: kv[0].id)
        ):
            stopped = _STOPPED_MONTHS_AGO.get(position % 11, 1 if position % 3 == 0 else 0)
            cutoff = today.replace(day=1) - relativedelta(months=stopped)
            payable = moves.filtered(lambda m, c=cutoff: m.invoice_date < c)
            by_quarter = defaultdict(lambda: self.env["account.move"])
            for move in payable:
                by_quarter[move.invoice_date.year, (move.invoice_date.month - 1) // 3] |= move
            for quarter_moves in by_quarter.values():
                last_due = max(quarter_moves.mapped("invoice_date_due"))
                pay_date = min(last_due + timedelta(days=position % 20), today)
                self.env["account.payment.register"].with_context(
                    active_model="account.move", active_ids=quarter_moves.ids
                ).create({"payment_date": pay_date, "group_payment": True})._create_payments()
        return True
