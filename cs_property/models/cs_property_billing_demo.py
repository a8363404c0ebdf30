from collections import defaultdict
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

# Payment habits of the demo payers, by position: how many months ago each
# stopped paying, so that every aging bucket has units in it; the others pay
# each bill a few days around its due date.
_STOPPED_MONTHS_AGO = {0: 14, 1: 9, 2: 7, 3: 5, 4: 3, 5: 2}


class CsPropertyBillingRun(models.Model):
    _inherit = "cs.property.billing.run"

    @api.model
    def _demo_bill_year(self, estate_id, building_ids=None):
        """Thirteen months of charges for the estate up to this month, billed
        by quarter then monthly through billing runs, and paid through Odoo
        payments reconciled with the invoices (demo data, kept to
        ``building_ids`` so that the install stays quick)."""
        # demo history: no chatter log per invoice and payment (install time)
        runs = self.with_context(tracking_disable=True, mail_create_nolog=True, mail_notrack=True)
        estate = self.env["cs.property.estate"].browse(estate_id)
        today = fields.Date.context_today(self)
        first = today.replace(day=1) - relativedelta(months=12)
        # quarters for the older part, months for the recent one: every aging
        # bucket gets invoices without a thousand demo invoices
        periods = [(first + relativedelta(months=3 * i), "quarter") for i in range(3)]
        periods += [(first + relativedelta(months=9 + i), "month") for i in range(4)]
        for start, period in periods:
            run = runs.create(
                {
                    "estate_ids": [fields.Command.set(estate.ids)],
                    "building_ids": [fields.Command.set(building_ids or [])],
                    "period_type": period,
                    "date_start": start,
                    "invoice_date": start,
                    "batch_size": 100000,
                }
            )
            run.action_preview()
            run.action_confirm()
        runs._demo_pay(estate, today)
        return True

    @api.model
    def _demo_pay(self, estate, today):
        moves = (
            self.env["cs.property.billing.line"]
            .search([("estate_id", "=", estate.id), ("released", "=", False)])
            .move_id
        )
        by_partner = defaultdict(lambda: self.env["account.move"])
        for move in moves:
            by_partner[move.partner_id] |= move
        journal = self.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", estate.company_id.id)], limit=1
        )
        to_pay, vals_list = [], []
        for position, partner in enumerate(sorted(by_partner, key=lambda p: p.id)):
            stopped = _STOPPED_MONTHS_AGO.get(position % 11)
            if stopped is not None:
                cutoff = today.replace(day=1) - relativedelta(months=stopped)
            else:
                # two in three have paid this month's bill already
                cutoff = today + timedelta(days=1) if position % 3 else today.replace(day=1)
            for move in by_partner[partner].filtered(lambda m, c=cutoff: m.invoice_date < c):
                late = (position * 7 + move.invoice_date.month) % 25 - 10
                to_pay.append(move)
                vals_list.append(
                    {
                        "payment_type": "inbound",
                        "partner_type": "customer",
                        "partner_id": partner.id,
                        "amount": move.amount_residual,
                        "date": min(move.invoice_date_due + timedelta(days=late), today),
                        "journal_id": journal.id,
                    }
                )
        if not journal or not vals_list:
            return
        payments = self.env["account.payment"].create(vals_list)
        payments.action_post()
        for payment, move in zip(payments, to_pay, strict=True):
            (payment.move_id.line_ids | move.line_ids).filtered(
                lambda line: (
                    line.account_id.account_type == "asset_receivable" and not line.reconciled
                )
            ).reconcile()
