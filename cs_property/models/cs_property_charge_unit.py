import calendar
from datetime import timedelta
from itertools import pairwise

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Domain

from .cs_property_charge_calc import dump_segments, rate_factor


def month_end(month):
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


class CsPropertyUnit(models.Model):
    _inherit = "cs.property.unit"

    charge_start_date = fields.Date(
        string="Charges From",
        compute="_compute_charge_start_date",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
        help="First day of service charges: the handover date, for an unsold unit the "
        "building's completion date (the developer pays), unless set by hand.",
    )
    charge_end_date = fields.Date(
        string="Charges Until",
        tracking=True,
        help="Last day charged (unit merged, demolished or taken out of management).",
    )
    charge_exemption_ids = fields.One2many(
        "cs.property.charge.exemption", "unit_id", string="Exemptions and Special Rates"
    )

    charge_payer_id = fields.Many2one(
        "res.partner",
        string="Charges Payer",
        compute="_compute_charge_payer_id",
        help="Who the payment notice goes to: the payer of the latest charge invoice, "
        "else the current owner.",
    )

    def _compute_charge_payer_id(self):
        # read on one unit at a time (notice, mail template), never in lists
        for unit in self:
            unit.charge_payer_id = unit._payment_notice_data()["payer"]

    @api.constrains("charge_start_date", "charge_end_date")
    def _check_charge_dates(self):
        for unit in self:
            if (
                unit.charge_start_date
                and unit.charge_end_date
                and unit.charge_end_date < unit.charge_start_date
            ):
                raise ValidationError(
                    self.env._(
                        "%(unit)s: charges cannot end (%(end)s) before they start (%(start)s).",
                        unit=unit.display_name,
                        end=unit.charge_end_date,
                        start=unit.charge_start_date,
                    )
                )

    @api.depends("handover_date", "building_id.completion_date")
    def _compute_charge_start_date(self):
        for unit in self:
            unit.charge_start_date = unit.handover_date or unit.building_id.completion_date

    # ------------------------------------------------------------ payer rules
    def _charge_payers(self, dates):
        """Payer of each unit on each date: {(unit_id, date): partner}.

        A tenant whose lease says so pays; otherwise the owner of record; an
        unsold unit without owner after completion is the developer's (空置房).
        One query for the whole recordset.
        """
        lo, hi = min(dates), max(dates)
        lines = (
            self.env["cs.property.occupancy"]
            .sudo()
            .search(
                Domain("unit_id", "in", self.ids)
                & Domain("role", "in", ("owner", "tenant"))
                & Domain("active", "=", True)
                & Domain("date_start", "<=", hi)
                & (Domain("date_end", "=", False) | Domain("date_end", ">=", lo))
            )
        )
        by_unit = lines.grouped("unit_id")
        empty = self.env["res.partner"]
        result = {}
        for unit in self:
            occupancies = by_unit.get(unit, lines.browse())
            completion = unit.building_id.completion_date
            for date in dates:
                current = occupancies.filtered(
                    lambda o, d=date: o.date_start <= d and (not o.date_end or o.date_end >= d)
                )
                tenant = current.filtered(lambda o: o.role == "tenant" and o.pays_charges)
                owner = current.filtered(lambda o: o.role == "owner")
                payer = (tenant or owner)[:1].partner_id
                if not payer and unit.state == "unsold" and completion and completion <= date:
                    payer = unit.building_id.developer_id
                result[unit.id, date] = payer.sudo(False) if payer else empty
        return result

    # ------------------------------------------------------------ amounts
    def _charge_quantity(self, item):
        self.ensure_one()
        if item.basis == "flat":
            return 1.0
        return self.gross_area if item.basis == "gross_area" else self.usable_area

    def _charge_rate_months(self, item, month, exemptions):
        """Rate × months of ``item`` for this unit in ``month`` (see _charge_segments)."""
        return float(rate_factor(self._charge_segments(item, month, exemptions)))

    def _charge_segments(self, item, month, exemptions):
        """The terms (rate, days, days in the month) of ``item`` for this unit in
        ``month``: each day is charged at the price version and special rate in
        force that day, the month pro-rated by days where charges start, end or
        are exempted. Summed exactly and rounded once per invoice line."""
        self.ensure_one()
        first, last = month, month_end(month)
        start = max(first, self.charge_start_date) if self.charge_start_date else None
        end = min(last, self.charge_end_date) if self.charge_end_date else last
        if not start or start > end:
            return []
        cuts = {start, end + timedelta(days=1)}
        cuts.update(d for d in item._price_dates() if start < d <= end)
        for exemption in exemptions:
            for d in (exemption.date_start, (exemption.date_end or end) + timedelta(days=1)):
                if start < d <= end:
                    cuts.add(d)
        cuts = sorted(cuts)
        days = last.day
        segments = []
        for seg_start, seg_end in pairwise(cuts):
            rule = exemptions.filtered(lambda e, d=seg_start: e._covers(item, d))[:1]
            if rule.exemption_type == "exempt":
                continue
            rate = rule.rate if rule else item._rate_at(seg_start)
            if not rate:
                continue
            if segments and segments[-1][0] == rate:
                # a cut that changes nothing (an exemption of another item)
                segments[-1] = (rate, segments[-1][1] + (seg_end - seg_start).days, days)
            else:
                segments.append((rate, (seg_end - seg_start).days, days))
        return segments

    def _charge_schedule(self, months):
        """What these units owe for ``months`` (first days of months), one dict
        per unit, charge item and month; rows with ``exception`` are not billed."""
        items = self.env["cs.property.charge.item"].search(
            [("estate_id", "in", self.estate_id.ids)]
        )
        items_by_estate = items.grouped("estate_id")
        exemptions = (
            self.env["cs.property.charge.exemption"]
            .search([("unit_id", "in", self.ids)])
            .grouped("unit_id")
        )
        payer_dates = sorted(
            {max(m, u.charge_start_date) for u in self if u.charge_start_date for m in months}
        )
        payers = self._charge_payers(payer_dates) if payer_dates else {}
        rows = []
        Exemption = self.env["cs.property.charge.exemption"]
        for unit in self:
            unit_items = items_by_estate.get(unit.estate_id, items.browse()).filtered(
                lambda i, u=unit: not i.unit_usage or i.unit_usage == u.usage
            )
            for month in months:
                if not unit.charge_start_date or unit.charge_start_date > month_end(month):
                    continue
                if unit.charge_end_date and unit.charge_end_date < month:
                    continue
                payer = payers.get((unit.id, max(month, unit.charge_start_date)))
                for item in unit_items:
                    segments = unit._charge_segments(item, month, exemptions.get(unit, Exemption))
                    if not segments:
                        continue
                    quantity = unit._charge_quantity(item)
                    exception = False
                    if not payer:
                        exception = self.env._("No payer: no owner or paying tenant on record.")
                    elif not quantity:
                        exception = self.env._("No usable area recorded for this unit.")
                    rows.append(
                        {
                            "unit": unit,
                            "item": item,
                            "month": month,
                            "partner": payer,
                            "quantity": quantity,
                            "rate_months": float(rate_factor(segments)),
                            "segments": dump_segments(segments),
                            "exception": exception,
                        }
                    )
        return rows

    # ------------------------------------------------------------ payment notice
    def _payment_notice_data(self):
        """What the notice (缴费通知单) of this unit shows: the lines of its
        latest charge invoice, the arrears brought forward, how to pay."""
        self.ensure_one()
        lines = (
            self.env["account.move.line"]
            .sudo()
            .search(
                [
                    ("cs_unit_id", "=", self.id),
                    ("move_id.state", "=", "posted"),
                    ("move_id.move_type", "=", "out_invoice"),
                ],
                order="date desc, id desc",
            )
        )
        move = lines[:1].move_id
        current = lines.filtered(lambda line: line.move_id == move)
        arrears = (
            self.env["cs.property.arrears"]
            .sudo()
            ._read_group([("unit_id", "=", self.id)], [], ["amount_overdue:sum"])[0][0]
        )
        # the unit's lines with their share of the invoice's tax: the notices
        # of a multi-unit invoice add up to the invoice to the cent
        totals = move._cs_line_totals() if move else {}
        line_totals = {line.id: totals.get(line.id, line.price_total) for line in current}
        current_total = move.currency_id.round(sum(line_totals.values())) if move else 0.0
        if (
            move
            and move.invoice_date_due
            and move.invoice_date_due < fields.Date.context_today(self)
        ):
            # already overdue: it is counted in the arrears
            arrears -= move.amount_residual * (
                current_total / move.amount_total if move.amount_total else 0
            )
        return {
            "move": move,
            "lines": current,
            "line_totals": line_totals,
            "current_total": current_total,
            "arrears": max(arrears, 0.0),
            "total": current_total + max(arrears, 0.0),
            "payer": move.partner_id or self.owner_id,
            "currency": self.company_id.currency_id,
            "instructions": self.estate_id.charge_payment_instructions,
        }

    def action_send_payment_notice(self):
        self.ensure_one()
        template = self.env.ref("cs_property.mail_template_cs_property_payment_notice")
        return {
            "type": "ir.actions.act_window",
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_model": self._name,
                "default_res_ids": self.ids,
                "default_template_id": template.id,
                "default_composition_mode": "comment",
            },
        }
