from odoo import api, models


class ReportCsPropertyRepair(models.AbstractModel):
    """Totals of the four-copy service order, computed by the lines' taxes as
    the invoice will compute them, in the company's currency."""

    _name = "report.cs_property.report_repair"
    _description = "Service Order Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        orders = self.env["cs.property.repair"].browse(docids)
        return {
            "doc_ids": docids,
            "doc_model": "cs.property.repair",
            "docs": orders,
            "repair_totals": {order.id: self._totals(order) for order in orders},
        }

    @api.model
    def _totals(self, order):
        currency = order.company_id.currency_id
        untaxed = 0.0
        taxes = {}
        for line in order.line_ids:
            computed = line.tax_ids.compute_all(
                line.price_unit,
                currency,
                line.quantity,
                product=line.product_id,
                partner=order.payer_id,
            )
            untaxed += computed["total_excluded"]
            for tax in computed["taxes"]:
                taxes[tax["name"]] = taxes.get(tax["name"], 0.0) + tax["amount"]
        untaxed = currency.round(untaxed)
        tax_lines = [(name, currency.round(amount)) for name, amount in taxes.items()]
        return {
            "currency": currency,
            "untaxed": untaxed,
            "taxes": tax_lines,
            "total": currency.round(untaxed + sum(amount for _name, amount in tax_lines)),
        }
