from odoo import Command, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_round

from .cs_property_charge_calc import exact_amount, explain, is_simple, load_segments


class CsPropertyBillingRun(models.Model):
    """What a billing run bills and what it leaves out: one invoice per payer
    and estate, a line per unit and charge item whose amount can be redone by
    hand from area, rate and days (shown on the line); the unit-months billed
    by another run are counted and that run named."""

    _inherit = "cs.property.billing.run"

    # ------------------------------------------------------------ honest runs
    def _already_billed(self, units, months):
        """{(unit id, item id, month): id of the run that billed it (0: none)}."""
        rows = (
            self.env["cs.property.billing.line"]
            .sudo()
            ._read_group(
                [("unit_id", "in", units.ids), ("month", "in", months), ("released", "=", False)],
                ["unit_id", "item_id", "month:day", "run_id"],
            )
        )
        return {
            (unit.id, item.id, fields.Date.to_date(month)): run.id
            for unit, item, month, run in rows
        }

    def _runs_label(self):
        """“2026-01 Month (#12), …”: the runs that billed the months left out
        (sudo: their names only, whatever estates they cover)."""
        self.ensure_one()
        return ", ".join(f"{run.name} (#{run.id})" for run in self.sudo().already_billed_run_ids)

    def _check_something_to_bill(self):
        """A run that would bill nothing says why instead of finishing “done”."""
        for run in self.filtered(lambda r: not r.payer_total):
            if run.already_billed_count:
                raise UserError(
                    self.env._(
                        "Billing run %(run)s has nothing to bill: its %(count)s unit-months "
                        "are already billed by run %(runs)s.",
                        run=run.name,
                        count=run.already_billed_count,
                        runs=run._runs_label(),
                    )
                )
            raise UserError(
                self.env._(
                    "Billing run %(run)s has nothing to bill: no unit with a payer is charged "
                    "in this period (%(exceptions)s exceptions to clear).",
                    run=run.name,
                    exceptions=run.exception_count,
                )
            )

    def _count_billed_meanwhile(self, lines):
        """Months another run claimed between this run's preview and its batch:
        counted as already billed, naming that run."""
        if not lines:
            return
        holders = self._already_billed(lines.unit_id, sorted(set(lines.mapped("month"))))
        run_ids = {holders.get((ln.unit_id.id, ln.item_id.id, ln.month)) for ln in lines}
        run_ids = sorted(run_ids - {None, False})
        self.write(
            {
                "already_billed_count": self.already_billed_count + len(lines),
                "already_billed_run_ids": [Command.link(i) for i in run_ids],
            }
        )

    # ------------------------------------------------------------ invoices
    def _invoice_vals(self, partner, estate, by_key):
        analytic = estate._analytic_account()
        invoice_lines = []
        for (unit, item), month_lines in by_key.items():
            months = sorted(line.month for line in month_lines)
            period = (
                f"{months[0]:%Y-%m}"
                if len(months) == 1
                else f"{months[0]:%Y-%m}~{months[-1]:%Y-%m}"
            )
            line_vals = {
                "product_id": item.product_id.id,
                "name": f"{item.name} {unit.display_name} {period}",  # + calculation
                "tax_ids": [Command.set(item.tax_ids.ids)],
                "analytic_distribution": {str(analytic.id): 100},
                "cs_unit_id": unit.id,
                "cs_charge_item_id": item.id,
            }
            amount = self._charge_line_amount(item, month_lines)
            line_vals["name"] += "\n" + amount.pop("calculation")
            line_vals.update(amount)
            if item.account_id:
                line_vals["account_id"] = item.account_id.id
            invoice_lines.append(Command.create(line_vals))
        vals = {
            "move_type": "out_invoice",
            "partner_id": partner.id,
            "invoice_date": self.invoice_date,
            "invoice_origin": self.name,
            "ref": self.env._("Service charges %(period)s", period=self.name),
            "invoice_line_ids": invoice_lines,
        }
        if estate.charge_journal_id:
            vals["journal_id"] = estate.charge_journal_id.id
        if estate.charge_payment_term_id:
            vals["invoice_payment_term_id"] = estate.charge_payment_term_id.id
        else:
            vals["invoice_date_due"] = self.invoice_date
        return vals

    def _charge_line_amount(self, item, month_lines):
        """Quantity, price and the calculation shown on the line: area × Σ rate
        × days ÷ days in the month over the months of the line, rounded once
        to the cent. One rate over whole months keeps quantity = area and
        price = rate × months (exact); otherwise the line is 1 × the amount
        and its label shows the calculation (89.57 m² × ¥3.00 × 18/31 天)."""
        quantity = month_lines[0].quantity
        segments = [seg for line in month_lines for seg in load_segments(line.segments)]
        digits = self.env["decimal.precision"].precision_get("Product Price")
        basis = "" if item.basis == "flat" else "m²"
        calculation = explain(
            quantity,
            basis,
            segments,
            self.currency_id.symbol,
            digits,
            self.env._("days"),
            self.env._("months"),
        )
        if is_simple(segments):
            rate = segments[0][0] if segments else 0.0
            return {
                "quantity": quantity,
                "price_unit": float_round(rate * len(segments), precision_digits=digits),
                "calculation": calculation,
            }
        return {
            "quantity": 1.0,
            "price_unit": exact_amount(quantity, segments, self.currency_id.rounding),
            "calculation": calculation,
        }
