from odoo import api, fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    # the arrears view reads only the open customer invoices past due: with
    # most invoices paid, a small partial index finds them without reading
    # every move (bench/bench_billing.py: 100,000 invoices)
    _cs_open_invoice_due_idx = models.Index(
        "(invoice_date_due) WHERE move_type = 'out_invoice' AND state = 'posted' "
        "AND payment_state IN ('not_paid', 'partial')"
    )

    property_billing_line_ids = fields.One2many(
        "cs.property.billing.line",
        "move_id",
        string="Billed Charge Months",
        readonly=True,
        groups="cs_property.group_property_user,account.group_account_invoice",
    )

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        credits = posted.filtered(lambda m: m.move_type == "out_refund" and m.reversed_entry_id)
        if credits:
            credits._cs_release_billing()
        return posted

    def _cs_line_totals(self):
        """{invoice line id: its total with taxes} such that the lines of the
        invoice add up to its total to the cent, whatever the company's tax
        rounding: with “round globally” Odoo spreads the cents the global
        rounding makes over the lines, which a line's own ``price_total``
        (rounded alone) does not. The payment notice of each unit shows
        these, so the notices of a multi-unit invoice add up to the invoice."""
        self.ensure_one()
        AccountTax = self.env["account.tax"]
        lines = self.invoice_line_ids.filtered(lambda ln: ln.display_type == "product")
        base_lines = [self._prepare_product_base_line_for_taxes_computation(ln) for ln in lines]
        AccountTax._add_tax_details_in_base_lines(base_lines, self.company_id)
        AccountTax._round_base_lines_tax_details(base_lines, self.company_id)
        totals = {}
        for line, base_line in zip(lines, base_lines, strict=True):
            details = base_line["tax_details"]
            # the base and each tax with the cents the global rounding spread
            totals[line.id] = (
                details["total_excluded_currency"]
                + details.get("delta_total_excluded_currency", 0.0)
                + sum(tax["tax_amount_currency"] for tax in details["taxes_data"])
            )
        return totals

    def _cs_release_billing(self):
        """A credit note of a charge invoice frees its months for re-billing."""
        Line = self.env["cs.property.billing.line"].sudo()
        for credit in self:
            lines = Line.search(
                [("move_id", "=", credit.reversed_entry_id.id), ("released", "=", False)]
            )
            lines.write({"released": True, "released_move_id": credit.id})

    def button_cancel(self):
        res = super().button_cancel()
        lines = (
            self.env["cs.property.billing.line"]
            .sudo()
            .search([("move_id", "in", self.ids), ("released", "=", False)])
        )
        lines.write({"released": True})
        return res

    @api.model
    def _cs_charge_moves_changed(self, moves):
        """Payments touched charge invoices: close the follow-ups now cleared.
        sudo: the payment's consequence, whoever registers it."""
        return self.env["cs.property.arrears.followup"].sudo()._refresh_for_moves(moves)


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    cs_unit_id = fields.Many2one("cs.property.unit", string="Property Unit", index="btree_not_null")
    cs_charge_item_id = fields.Many2one("cs.property.charge.item", string="Charge Item")

    def reconcile(self):
        res = super().reconcile()
        moves = self.move_id.filtered(lambda m: m.move_type == "out_invoice")
        charged = moves.filtered(lambda m: m.invoice_line_ids.cs_unit_id)
        if charged:
            self.env["account.move"]._cs_charge_moves_changed(charged)
        return res
