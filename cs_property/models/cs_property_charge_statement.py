from odoo import fields, models
from odoo.fields import Domain


class CsPropertyUnit(models.Model):
    """The payer's statement of a unit (对账单): opening balance, bills,
    credit notes, payments, closing balance, from the posted journal items."""

    _inherit = "cs.property.unit"

    def _charge_statement(self, partner, date_from, date_to):
        """{opening, rows: [{date, kind, ref, amount, balance}], closing} of this
        unit for ``partner`` between the dates (amounts with taxes; bills +,
        credit notes and payments −). A payment of a multi-unit invoice is
        shared between its units like the invoice (the same months), the
        cents of rounding on the largest unit, so the units' statements add
        up to the payer's account."""
        self.ensure_one()
        # sudo: the statement reads the payer's journal items for the unit's staff
        lines = (
            self.env["account.move.line"]
            .sudo()
            .search(
                Domain("cs_unit_id", "=", self.id)
                & Domain("parent_state", "=", "posted")
                & Domain("move_id.move_type", "in", ("out_invoice", "out_refund"))
                & Domain("move_id.commercial_partner_id", "=", partner.commercial_partner_id.id)
            )
        )
        currency = self.company_id.currency_id
        events = []
        for move in lines.move_id:
            totals = move._cs_line_totals()
            unit_total = sum(totals.get(ln.id, 0.0) for ln in lines if ln.move_id == move)
            if move.move_type == "out_refund":
                events.append((move.invoice_date, "credit_note", move.name, -unit_total))
                continue
            events.append((move.invoice_date, "bill", move.name, unit_total))
            receivable = move.line_ids.filtered(
                lambda ln: ln.account_id.account_type == "asset_receivable"
            )
            for partial in receivable.matched_credit_ids:
                counterpart = partial.credit_move_id.move_id
                if counterpart.move_type == "out_refund" and counterpart.line_ids.cs_unit_id:
                    continue  # the credit note is on the statement itself
                share = self._charge_unit_share(move, totals, partial.amount)
                events.append((partial.max_date, "payment", counterpart.name, -share))
        events.sort(key=lambda e: (e[0], e[1] != "bill"))
        opening = currency.round(sum(e[3] for e in events if e[0] < date_from))
        balance = opening
        rows = []
        for date, kind, ref, amount in events:
            if date < date_from or date > date_to:
                continue
            balance = currency.round(balance + amount)
            rows.append(
                {
                    "date": date,
                    "kind": kind,
                    "ref": ref,
                    "amount": currency.round(amount),
                    "balance": balance,
                }
            )
        return {"opening": opening, "rows": rows, "closing": balance}

    def _charge_statement_this_year(self, partner):
        """The printed statement: this year to date, with the row labels."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        date_from = today.replace(month=1, day=1)
        statement = self._charge_statement(partner, date_from, today)
        statement.update(
            date_from=date_from,
            date_to=today,
            labels={
                "bill": self.env._("Bill"),
                "credit_note": self.env._("Credit Note"),
                "payment": self.env._("Payment Received"),
            },
        )
        return statement

    def _charge_unit_share(self, move, totals, amount):
        """This unit's part of ``amount`` paid on ``move``, pro rata of the
        units' totals, the rounding cents on the largest unit."""
        currency = move.currency_id
        by_unit = {}
        for line in move.invoice_line_ids.filtered("cs_unit_id"):
            by_unit[line.cs_unit_id.id] = by_unit.get(line.cs_unit_id.id, 0.0) + totals.get(
                line.id, 0.0
            )
        whole = sum(by_unit.values())
        if not whole:
            return 0.0
        shares = {unit: currency.round(amount * total / whole) for unit, total in by_unit.items()}
        largest = max(by_unit, key=lambda u: (by_unit[u], -u))
        shares[largest] = currency.round(amount - sum(v for u, v in shares.items() if u != largest))
        return shares.get(self.id, 0.0)
