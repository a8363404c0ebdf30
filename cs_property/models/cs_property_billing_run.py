from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, split_every

from .cs_property_charge_calc import exact_amount, load_segments

BILLING_PERIODS = [
    ("month", "Month"),
    ("quarter", "Quarter"),
    ("half", "Half-year"),
    ("year", "Year"),
]
PERIOD_MONTHS = {"month": 1, "quarter": 3, "half": 6, "year": 12}
RUN_STATES = [
    ("draft", "Draft"),
    ("previewed", "Previewed"),
    ("running", "Billing"),
    ("done", "Invoiced"),
]


def _first_of_month(date):
    return date.replace(day=1)


class CsPropertyBillingRun(models.Model):
    """A billing run (收费批次): bill the charges of a period for the units of
    some estates or buildings, one customer invoice per payer and estate.

    Preview first (units, payers, amounts, exceptions); then billing goes by
    batches of payers. From the cron each batch is committed, so a run of
    10,000 units interrupted half-way loses nothing and continues where it
    stopped; the billing lines' unique key makes every month billed once.
    """

    _name = "cs.property.billing.run"
    _description = "Billing Run"
    _inherit = ["mail.thread"]
    _order = "date_start desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    period_type = fields.Selection(
        BILLING_PERIODS, string="Billing Period", required=True, default="month", tracking=True
    )
    date_start = fields.Date(
        string="Period Start",
        required=True,
        default=lambda self: _first_of_month(fields.Date.context_today(self)),
        tracking=True,
    )
    date_end = fields.Date(string="Period End", compute="_compute_date_end", store=True)
    invoice_date = fields.Date(required=True, default=fields.Date.context_today)
    estate_ids = fields.Many2many(
        "cs.property.estate", string="Estates", required=True, check_company=True
    )
    building_ids = fields.Many2many(
        "cs.property.building",
        string="Buildings",
        domain="[('estate_id', 'in', estate_ids)]",
        help="Empty: every building of the estates.",
    )
    state = fields.Selection(RUN_STATES, default="draft", required=True, tracking=True)
    line_ids = fields.One2many("cs.property.billing.run.line", "run_id", string="Preview")
    exception_line_ids = fields.One2many(
        "cs.property.billing.run.line",
        "run_id",
        domain=[("exception", "!=", False)],
        string="Exceptions",
    )
    unit_count = fields.Integer(compute="_compute_totals")
    payer_count = fields.Integer(compute="_compute_totals")
    exception_count = fields.Integer(compute="_compute_totals")
    amount_untaxed = fields.Monetary(compute="_compute_totals", string="Untaxed Amount")
    currency_id = fields.Many2one(related="company_id.currency_id")
    already_billed_count = fields.Integer(
        readonly=True, help="Unit-months of the period already billed: left out."
    )
    already_billed_run_ids = fields.Many2many(
        "cs.property.billing.run",
        "cs_property_billing_run_already_rel",
        "run_id",
        "other_run_id",
        string="Already Billed By",
        readonly=True,
        help="The runs that billed the unit-months this run left out.",
    )
    payer_total = fields.Integer(readonly=True)
    payer_done = fields.Integer(readonly=True)
    progress = fields.Float(compute="_compute_progress")
    batch_size = fields.Integer(
        default=200, help="Payers invoiced per batch; each batch is committed by the cron."
    )
    invoice_count = fields.Integer(compute="_compute_invoice_count")

    @api.depends("period_type", "date_start")
    def _compute_name(self):
        labels = dict(self._fields["period_type"]._description_selection(self.env))
        for run in self:
            run.name = f"{run.date_start:%Y-%m} {labels.get(run.period_type, '')}".strip()

    @api.depends("period_type", "date_start")
    def _compute_date_end(self):
        for run in self:
            months = PERIOD_MONTHS[run.period_type or "month"]
            start = _first_of_month(run.date_start or fields.Date.context_today(run))
            run.date_end = start + relativedelta(months=months, days=-1)

    def _compute_totals(self):
        Line = self.env["cs.property.billing.run.line"]
        for run in self:
            # a run being created on the form has no lines yet (and no id to search by)
            domain = [("run_id", "=", run._origin.id)]
            ((units, payers, amount),) = Line._read_group(
                [*domain, ("exception", "=", False)],
                [],
                ["unit_id:count_distinct", "partner_id:count_distinct", "amount:sum"],
            )
            run.unit_count = units
            run.payer_count = payers
            run.amount_untaxed = amount
            run.exception_count = Line.search_count([*domain, ("exception", "!=", False)])

    @api.depends("payer_total", "payer_done")
    def _compute_progress(self):
        """From the lines billed (several workers bill a run: none writes the run per batch)."""
        done = dict(
            self.env["cs.property.billing.run.line"]._read_group(
                [("run_id", "in", self.ids), ("done", "=", True)],
                ["run_id"],
                ["partner_id:count_distinct"],
            )
        )
        for run in self:
            payers = run.payer_done if run.state == "done" else done.get(run, 0)
            run.progress = 100.0 * payers / run.payer_total if run.payer_total else 0.0

    def _compute_invoice_count(self):
        counts = dict(
            self.env["cs.property.billing.line"]._read_group(
                [("run_id", "in", self.ids)], ["run_id"], ["move_id:count_distinct"]
            )
        )
        for run in self:
            run.invoice_count = counts.get(run, 0)

    def _months(self):
        self.ensure_one()
        start = _first_of_month(self.date_start)
        return [start + relativedelta(months=i) for i in range(PERIOD_MONTHS[self.period_type])]

    def _check_finance(self):
        if not self.env.user.has_group("account.group_account_invoice"):
            raise UserError(
                self.env._("Only finance (invoicing users) may run service-charge billing.")
            )

    # ------------------------------------------------------------ preview
    def action_preview(self):
        self._check_finance()
        for run in self:
            if run.state in ("running", "done"):
                raise UserError(
                    self.env._(
                        "Billing run %(run)s has started: it cannot be previewed again.",
                        run=run.name,
                    )
                )
            run.line_ids.unlink()
            domain = [("estate_id", "in", run.estate_ids.ids)]
            if run.building_ids:
                domain.append(("building_id", "in", run.building_ids.ids))
            units = self.env["cs.property.unit"].search(domain, order="id")
            if not units:
                raise UserError(
                    self.env._(
                        "Billing run %(run)s finds no unit in the chosen estates and "
                        "buildings: there is nothing to bill.",
                        run=run.name,
                    )
                )
            months = run._months()
            billed = run._already_billed(units, months)
            vals_list = []
            skipped = 0
            billed_by = set()
            for ids in split_every(2000, units.ids):
                chunk = units.browse(ids)
                for row in chunk._charge_schedule(months):
                    key = (row["unit"].id, row["item"].id, row["month"])
                    if key in billed:
                        skipped += 1
                        billed_by.add(billed[key])
                        continue
                    vals_list.append(run._preview_vals(row))
            self.env["cs.property.billing.run.line"].create(vals_list)
            partners = {v["partner_id"] for v in vals_list if not v["exception"]}
            run.write(
                {
                    "state": "previewed",
                    "already_billed_count": skipped,
                    "already_billed_run_ids": [Command.set(sorted(billed_by))],
                    "payer_total": len(partners),
                    "payer_done": 0,
                }
            )
        return True

    def _preview_vals(self, row):
        return {
            "run_id": self.id,
            "unit_id": row["unit"].id,
            "item_id": row["item"].id,
            "month": row["month"],
            "partner_id": row["partner"].id or False,
            "quantity": row["quantity"],
            "rate_months": row["rate_months"],
            "segments": row["segments"],
            "amount": exact_amount(
                row["quantity"], load_segments(row["segments"]), self.currency_id.rounding
            ),
            "exception": row["exception"] or False,
        }

    # ------------------------------------------------------------ billing
    def action_confirm(self):
        self._check_finance()
        for run in self:
            if run.state != "previewed":
                raise UserError(
                    self.env._("Preview billing run %(run)s before confirming it.", run=run.name)
                )
            run._check_something_to_bill()
            run.state = "running"
            if run.payer_total > run.batch_size:
                for xmlid in (
                    "ir_cron_cs_property_billing_run",
                    "ir_cron_cs_property_billing_run_2",
                ):
                    cron = self.env.ref(f"cs_property.{xmlid}", raise_if_not_found=False)
                    if cron:
                        cron._trigger()
            else:
                run._process_batches(commit=False)
        return True

    def action_reset(self):
        self._check_finance()
        for run in self.filtered(lambda r: r.state == "previewed"):
            run.line_ids.unlink()
            run.state = "draft"
        return True

    def _bill_payers(self, partners):
        lines = self.env["cs.property.billing.run.line"].search(
            [
                ("run_id", "=", self.id),
                ("partner_id", "in", partners.ids),
                ("done", "=", False),
                ("exception", "=", False),
            ]
        )
        claimed = self._claim(lines)
        to_bill = lines.filtered(lambda ln: (ln.unit_id.id, ln.item_id.id, ln.month) in claimed)
        self._count_billed_meanwhile(lines - to_bill)
        groups = defaultdict(lambda: defaultdict(list))
        for line in to_bill:
            groups[line.partner_id, line.estate_id][line.unit_id, line.item_id].append(line)
        vals_list = [
            self._invoice_vals(partner, estate, by_key)
            for (partner, estate), by_key in groups.items()
        ]
        moves = self.env["account.move"].with_company(self.company_id).create(vals_list)
        moves.action_post()
        self._link_billing(moves, claimed)
        lines.done = True

    def _claim(self, lines):
        """Insert the billing lines; the ones another run already holds are skipped."""
        if not lines:
            return {}
        cols = defaultdict(list)
        # every run inserts its keys in the same order: a run meeting another's
        # uncommitted keys waits for it instead of the two deadlocking
        for line in lines.sorted(lambda ln: (ln.unit_id.id, ln.item_id.id, ln.month)):
            cols["unit"].append(line.unit_id.id)
            cols["item"].append(line.item_id.id)
            cols["month"].append(line.month)
            cols["partner"].append(line.partner_id.id)
            cols["estate"].append(line.estate_id.id)
            cols["company"].append(line.estate_id.company_id.id)
            cols["rate"].append(line.rate_months)
        self.env["cs.property.billing.line"].flush_model()
        self.env.cr.execute(
            SQL(
                """
            INSERT INTO cs_property_billing_line
                (unit_id, item_id, month, partner_id, estate_id, company_id, rate_months,
                 run_id, released, create_uid, write_uid, create_date, write_date)
            SELECT u, i, m, p, e, c, r, %(run)s, FALSE, %(uid)s, %(uid)s,
                   now() at time zone 'UTC', now() at time zone 'UTC'
              FROM unnest(%(unit)s::int[], %(item)s::int[], %(month)s::date[],
                          %(partner)s::int[], %(estate)s::int[], %(company)s::int[],
                          %(rate)s::numeric[]) AS t(u, i, m, p, e, c, r)
            ON CONFLICT (unit_id, item_id, month) WHERE released IS NOT TRUE DO NOTHING
            RETURNING id, unit_id, item_id, month, partner_id
            """,
                run=self.id,
                uid=self.env.uid,
                **cols,
            )
        )
        return {(u, i, m): (bid, p) for bid, u, i, m, p in self.env.cr.fetchall()}

    def _link_billing(self, moves, claimed):
        by_key = defaultdict(list)
        for (unit, item, _month), (bid, partner) in claimed.items():
            by_key[unit, item, partner].append(bid)
        move_ids, line_ids, billing_ids = [], [], []
        for aml in moves.invoice_line_ids:
            for bid in by_key.get(
                (aml.cs_unit_id.id, aml.cs_charge_item_id.id, aml.move_id.partner_id.id), ()
            ):
                move_ids.append(aml.move_id.id)
                line_ids.append(aml.id)
                billing_ids.append(bid)
        self.env.cr.execute(
            SQL(
                """
            UPDATE cs_property_billing_line b SET move_id = t.m, move_line_id = t.l
              FROM unnest(%s::int[], %s::int[], %s::int[]) AS t(b, m, l) WHERE b.id = t.b
            """,
                billing_ids,
                move_ids,
                line_ids,
            )
        )
        self.env["cs.property.billing.line"].invalidate_model(["move_id", "move_line_id"])

    def action_view_invoices(self):
        self.ensure_one()
        moves = self.env["cs.property.billing.line"].search([("run_id", "=", self.id)]).move_id
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Invoices"),
            "res_model": "account.move",
            "view_mode": "list,form",
            "domain": [("id", "in", moves.ids)],
            "context": {"create": False, "default_move_type": "out_invoice"},
        }
