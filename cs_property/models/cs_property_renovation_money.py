from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tools import float_compare, float_is_zero


class CsPropertyRenovation(models.Model):
    """The money of a renovation in Odoo accounting: one fee invoice, and the
    deposit held on a liability account (receipt, deductions, refund)."""

    _inherit = "cs.property.renovation"

    currency_id = fields.Many2one(related="company_id.currency_id")
    fee_management = fields.Monetary(
        string="Management Fee", compute="_compute_fees", store=True, precompute=True
    )
    fee_debris = fields.Monetary(
        string="Debris Removal", compute="_compute_fees", store=True, precompute=True
    )
    fee_passes = fields.Monetary(
        string="Worker Pass Fees", compute="_compute_fees", store=True, precompute=True
    )
    fee_total = fields.Monetary(string="Fees", compute="_compute_fees", store=True, precompute=True)
    deposit_required = fields.Monetary(
        string="Deposit Due", compute="_compute_fees", store=True, precompute=True
    )
    fee_invoice_id = fields.Many2one(
        "account.move", string="Fee Invoice", readonly=True, copy=False, index="btree_not_null"
    )
    fee_payment_state = fields.Selection(
        related="fee_invoice_id.payment_state", string="Fee Payment"
    )
    deposit_line_ids = fields.One2many(
        "cs.property.renovation.deposit", "renovation_id", string="Deposit Register"
    )
    deposit_received = fields.Monetary(compute="_compute_deposit", store=True)
    deposit_deducted = fields.Monetary(compute="_compute_deposit", store=True)
    deposit_refunded = fields.Monetary(compute="_compute_deposit", store=True)
    deposit_held = fields.Monetary(compute="_compute_deposit", store=True)

    # what the permit and the refund depend on: computed from the fee invoice
    # and the posted deposit entries, never written by a user (see write())
    _MONEY_FIELDS = (
        "fee_management",
        "fee_debris",
        "fee_passes",
        "fee_total",
        "deposit_required",
        "fee_invoice_id",
        "fee_payment_state",
        "deposit_line_ids",
        "deposit_received",
        "deposit_deducted",
        "deposit_refunded",
        "deposit_held",
    )

    @api.depends(
        "estate_id.renovation_fee_mode",
        "estate_id.renovation_fee_rate",
        "estate_id.renovation_debris_fee",
        "estate_id.renovation_pass_fee",
        "estate_id.renovation_deposit",
        "unit_id.gross_area",
        "worker_count",
        "scope_ids.extra_deposit",
    )
    def _compute_fees(self):
        for reno in self:
            if reno.fee_invoice_id:
                continue  # invoiced: the amounts are what was billed
            estate = reno.estate_id
            rate = estate.renovation_fee_rate
            reno.fee_management = (
                rate * reno.unit_id.gross_area if estate.renovation_fee_mode == "per_m2" else rate
            )
            reno.fee_debris = estate.renovation_debris_fee
            reno.fee_passes = estate.renovation_pass_fee * reno.worker_count
            reno.fee_total = reno.fee_management + reno.fee_debris + reno.fee_passes
            reno.deposit_required = estate.renovation_deposit + sum(
                reno.scope_ids.mapped("extra_deposit")
            )

    @api.depends(
        "deposit_line_ids.amount", "deposit_line_ids.kind", "deposit_line_ids.move_id.state"
    )
    def _compute_deposit(self):
        for reno in self:
            # only posted entries count (they cannot leave "posted" while they
            # back the register, see account_move.py): the register is the books
            lines = reno.deposit_line_ids.filtered(lambda ln: ln.move_id.state == "posted")
            reno.deposit_received = sum(
                lines.filtered(lambda ln: ln.kind == "receipt").mapped("amount")
            )
            reno.deposit_deducted = -sum(
                lines.filtered(lambda ln: ln.kind == "deduction").mapped("amount")
            )
            reno.deposit_refunded = -sum(
                lines.filtered(lambda ln: ln.kind == "refund").mapped("amount")
            )
            reno.deposit_held = sum(lines.mapped("amount"))

    def _check_money_vals(self, vals, name):
        money = sorted(set(vals) & set(self._MONEY_FIELDS))
        if money and not self.env.su:
            # these follow the posted fee invoice and deposit entries; the money
            # actions write them as the superuser, nobody writes them by hand
            raise UserError(
                self.env._(
                    "Renovation %(name)s: %(fields)s follow the posted fee invoice and "
                    "deposit entries and cannot be written by hand.",
                    name=name,
                    fields=", ".join(self._fields[f]._description_string(self.env) for f in money),
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_money_vals(vals, vals.get("name") or "")
        return super().create(vals_list)

    def write(self, vals):
        self._check_money_vals(vals, ", ".join(self.mapped("name")))
        if "worker_count" in vals and not self.env.su:
            for reno in self.filtered("fee_invoice_id"):
                if reno.worker_count != vals["worker_count"]:
                    raise UserError(
                        self.env._(
                            "Renovation %(name)s: the pass fees are invoiced for %(count)s "
                            "workers; the number of workers can no longer change.",
                            name=reno.name,
                            count=reno.worker_count,
                        )
                    )
        return super().write(vals)

    # ------------------------------------------------------------ guards
    def _check_finance(self):
        # the superuser is data loading (demo) and internal jobs, never a person
        if not (self.env.su or self.env.user.has_group("account.group_account_invoice")):
            raise UserError(
                self.env._(
                    "Deposit receipts, deductions and refunds are confirmed by finance "
                    "(Accounting / Billing): please pass it on to the finance department."
                )
            )

    def _lock(self):
        """Two simultaneous clicks: the second waits here and then sees the first's work."""
        self.env.cr.execute(
            "SELECT id FROM cs_property_renovation WHERE id IN %s FOR UPDATE", [tuple(self.ids)]
        )
        self.invalidate_recordset()
        self.deposit_line_ids.invalidate_recordset()

    def _check_paid_and_deposited(self):
        for reno in self:
            if reno.fee_total and (
                not reno.fee_invoice_id or reno.fee_payment_state not in ("paid", "in_payment")
            ):
                raise UserError(
                    self.env._(
                        "Renovation %(name)s: no permit before the fee invoice is paid.",
                        name=reno.name,
                    )
                )
            if (
                float_compare(
                    reno.deposit_held,
                    reno.deposit_required,
                    precision_rounding=reno.currency_id.rounding,
                )
                < 0
            ):
                raise UserError(
                    self.env._(
                        "Renovation %(name)s: no permit before the deposit of %(amount)s is "
                        "received (held: %(held)s).",
                        name=reno.name,
                        amount=reno.deposit_required,
                        held=reno.deposit_held,
                    )
                )

    # ------------------------------------------------------------ fee invoice
    def action_create_fee_invoice(self):
        """One customer invoice of the fees to the applicant, estate analytic."""
        if not (
            self.env.user.has_group("cs_property.group_property_agent")
            or self.env.user.has_group("account.group_account_invoice")
        ):
            raise UserError(self.env._("Only customer service or finance may invoice fees."))
        self._check_state(("approved", "works"), self.env._("invoicing the fees"))
        self._lock()
        moves = self.env["account.move"]
        for reno in self:
            if reno.fee_invoice_id:
                raise UserError(
                    self.env._(
                        "Renovation %(name)s is already invoiced (%(invoice)s).",
                        name=reno.name,
                        # narrow sudo: the officer reads only the invoice's name
                        invoice=reno.fee_invoice_id.sudo().display_name,
                    )
                )
            move = (
                self.env["account.move"]
                .sudo()
                .with_company(reno.company_id)
                .create(reno._prepare_fee_invoice_vals())
            )
            reno.sudo().fee_invoice_id = move
            moves |= move
        return self.action_view_fee_invoice() if len(moves) == 1 else True

    def _prepare_fee_invoice_vals(self):
        self.ensure_one()
        analytic = {str(self.estate_id._analytic_account().id): 100}
        lines = [
            ("cs_property.product_renovation_management", self.fee_management, 1.0),
            ("cs_property.product_renovation_debris", self.fee_debris, 1.0),
            (
                "cs_property.product_renovation_pass",
                self.estate_id.renovation_pass_fee,
                float(self.worker_count),
            ),
        ]
        invoice_lines = []
        for xmlid, price, quantity in lines:
            if float_is_zero(price * quantity, precision_rounding=self.currency_id.rounding):
                continue
            product = self.env.ref(xmlid)
            invoice_lines.append(
                Command.create(
                    {
                        "product_id": product.id,
                        "name": f"{product.name} – {self.unit_id.display_name}",
                        "quantity": quantity,
                        "price_unit": price,
                        "tax_ids": [
                            Command.set(
                                product.taxes_id.filtered(
                                    lambda t: t.company_id == self.company_id
                                ).ids
                            )
                        ],
                        "analytic_distribution": analytic,
                    }
                )
            )
        return {
            "move_type": "out_invoice",
            "partner_id": self.partner_id.id,
            "invoice_origin": self.name,
            "ref": self.name,
            "invoice_line_ids": invoice_lines,
        }

    def action_view_fee_invoice(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.fee_invoice_id.id,
            "view_mode": "form",
        }

    def _demo_pay_fees(self):
        """Demo data: invoice, post and pay the fees as finance would."""
        for reno in self:
            if not reno.fee_invoice_id:
                reno.action_create_fee_invoice()
            invoice = reno.fee_invoice_id
            invoice.action_post()
            self.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=invoice.ids
            ).create({})._create_payments()
        return True
