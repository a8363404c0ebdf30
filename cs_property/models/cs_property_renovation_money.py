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

    @api.depends("deposit_line_ids.amount", "deposit_line_ids.kind")
    def _compute_deposit(self):
        for reno in self:
            lines = reno.deposit_line_ids
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

    def write(self, vals):
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
                        invoice=reno.fee_invoice_id.display_name,
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

    # ------------------------------------------------------------ deposit
    def _deposit_journal_default(self):
        return self.env["account.journal"].search(
            [("type", "in", ("bank", "cash")), ("company_id", "=", self.company_id.id)], limit=1
        )

    def action_open_deposit_wizard(self):
        self.ensure_one()
        self._check_finance()
        mode = self.env.context.get("deposit_mode", "receipt")
        return {
            "type": "ir.actions.act_window",
            "res_model": "cs.property.renovation.deposit.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_renovation_id": self.id, "default_mode": mode},
        }

    def _deposit_post(self, kind, amount, journal, counterpart, label, violation=None, date=None):
        """Post the entry of one deposit movement and its register row.

        Receipt: Dr bank/cash, Cr liability. Deduction: Dr liability, Cr income.
        Refund: Dr liability, Cr bank/cash. Every line carries the applicant and
        the estate's analytic account, so the liability is traceable per estate.
        """
        self.ensure_one()
        liability = self.estate_id._renovation_deposit_account()
        analytic = {str(self.estate_id._analytic_account().id): 100}
        common = {
            "partner_id": self.partner_id.id,
            "analytic_distribution": analytic,
            "name": label,
        }
        liability_line = dict(common, account_id=liability.id)
        counter_line = dict(common, account_id=counterpart.id)
        if kind == "receipt":
            liability_line["credit"] = counter_line["debit"] = amount
        else:
            liability_line["debit"] = counter_line["credit"] = amount
        move = (
            self.env["account.move"]
            .with_company(self.company_id)
            .create(
                {
                    "move_type": "entry",
                    "journal_id": journal.id,
                    "date": date or fields.Date.context_today(self),
                    "ref": label,
                    "line_ids": [Command.create(counter_line), Command.create(liability_line)],
                }
            )
        )
        move.action_post()
        self.env["cs.property.renovation.deposit"].sudo().create(
            {
                "renovation_id": self.id,
                "kind": kind,
                "amount": amount if kind == "receipt" else -amount,
                "move_id": move.id,
                "violation_id": violation.id if violation else False,
                "date": move.date,
            }
        )
        return move

    def _deposit_receive(self, journal=None, amount=None, date=None):
        self.ensure_one()
        self._check_finance()
        self._check_state(("approved", "works"), self.env._("receiving the deposit"))
        self._lock()
        journal = journal or self._deposit_journal_default()
        if amount is None:
            amount = self.deposit_required - self.deposit_held
        if float_compare(amount, 0.0, precision_rounding=self.currency_id.rounding) <= 0:
            raise UserError(self.env._("The amount received must be positive."))
        label = self.env._("Renovation deposit %(name)s", name=self.name)
        return self._deposit_post(
            "receipt", amount, journal, journal.default_account_id, label, date=date
        )

    def _deposit_deduct(self, violation, date=None):
        """Keep part of the deposit for a violation: liability → income."""
        self.ensure_one()
        self._check_finance()
        self._lock()
        amount = violation.deduction_amount
        if (
            float_compare(amount, self.deposit_held, precision_rounding=self.currency_id.rounding)
            > 0
        ):
            raise UserError(
                self.env._(
                    "Renovation %(name)s: the deduction of %(amount)s is more than the deposit "
                    "held (%(held)s).",
                    name=self.name,
                    amount=amount,
                    held=self.deposit_held,
                )
            )
        journal = self.env["account.journal"].search(
            [("type", "=", "general"), ("company_id", "=", self.company_id.id)], limit=1
        )
        label = self.env._(
            "Deposit deduction %(name)s for violation %(violation)s: %(type)s",
            name=self.name,
            violation=violation.name,
            type=violation._violation_type_label(),
        )
        return self._deposit_post(
            "deduction",
            amount,
            journal,
            self.estate_id._renovation_penalty_account(),
            label,
            violation=violation,
            date=date,
        )

    def _deposit_refund(self, journal=None, date=None):
        """Refund what is held, once, after a passed final acceptance."""
        self.ensure_one()
        journal = journal or self._deposit_journal_default()
        self._check_finance()
        self._lock()
        self._check_state(("accepted",), self.env._("refunding the deposit"))
        if self.open_violation_count:
            raise UserError(
                self.env._(
                    "Renovation %(name)s: a violation is still open; it is rectified and "
                    "re-checked before the refund.",
                    name=self.name,
                )
            )
        if self.extension_state == "pending":
            raise UserError(
                self.env._("Renovation %(name)s: an extension request is pending.", name=self.name)
            )
        if self.deposit_refunded:
            raise UserError(
                self.env._("Renovation %(name)s: the deposit was already refunded.", name=self.name)
            )
        move = self.env["account.move"]
        amount = self.deposit_held
        if float_compare(amount, 0.0, precision_rounding=self.currency_id.rounding) > 0:
            label = self.env._("Renovation deposit refund %(name)s", name=self.name)
            move = self._deposit_post(
                "refund", amount, journal, journal.default_account_id, label, date=date
            )
        # finance closes the file as the consequence of its posting; its role does
        # not read SLA clocks, which the state change settles
        self.sudo()._set_state("closed")
        self._notify_applicant(
            lambda r: r.env._(
                "Your renovation deposit for %(name)s is settled: refunded %(refund)s, "
                "deducted %(deducted)s.",
                name=r.name,
                refund=amount,
                deducted=r.deposit_deducted,
            )
        )
        return move

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

    def action_view_deposit_moves(self):
        return self._action_related(
            "cs.property.renovation.deposit", self.env._("Deposit Register")
        )
