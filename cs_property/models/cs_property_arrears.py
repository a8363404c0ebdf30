from odoo import api, fields, models
from odoo.tools import SQL

from .cs_property_sql_view_mixin import CHARGE_INVOICE_DEPENDS


class CsPropertyArrears(models.Model):
    """Overdue service charges per unit and payer (欠费), read from the
    invoices' residual amounts in one SQL view.

    A payer's invoice may hold several units: each unit carries the share of
    the invoice's residual that its lines make of the invoice total, so the
    rows of a unit add up to what is still open on the invoices. Estate-bound
    with its own ACL and record rules, so stewards read the arrears of their
    estates without reading the invoices.
    """

    _name = "cs.property.arrears"
    _description = "Service Charge Arrears"
    _inherit = ["cs.property.sql.view.mixin"]
    _auto = False
    _order = "amount_overdue desc, unit_id"
    _rec_name = "unit_id"

    _depends = CHARGE_INVOICE_DEPENDS

    unit_id = fields.Many2one("cs.property.unit", readonly=True)
    building_id = fields.Many2one("cs.property.building", readonly=True)
    estate_id = fields.Many2one("cs.property.estate", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one("res.partner", string="Payer", readonly=True)
    amount_overdue = fields.Monetary(string="Overdue Balance", readonly=True)
    months_overdue = fields.Integer(string="Months in Arrears", readonly=True)
    oldest_due = fields.Date(string="Oldest Due Date", readonly=True, aggregator="min")
    days_overdue = fields.Integer(string="Days Overdue", readonly=True, aggregator="max")
    bucket_0_30 = fields.Monetary(string="0–30 Days", readonly=True)
    bucket_31_90 = fields.Monetary(string="31–90 Days", readonly=True)
    bucket_91_180 = fields.Monetary(string="91–180 Days", readonly=True)
    bucket_181_365 = fields.Monetary(string="181–365 Days", readonly=True)
    bucket_365 = fields.Monetary(string="Over 365 Days", readonly=True)

    def _query(self):
        return SQL(
            """
            WITH open_lines AS (
                SELECT l.id, l.cs_unit_id AS unit_id, m.partner_id,
                       m.invoice_date_due AS due,
                       CURRENT_DATE - m.invoice_date_due AS days,
                       l.price_total * m.amount_residual / NULLIF(m.amount_total, 0) AS residual
                  FROM account_move_line l
                  JOIN account_move m ON m.id = l.move_id
                 WHERE l.cs_unit_id IS NOT NULL
                   AND m.move_type = 'out_invoice'
                   AND m.state = 'posted'
                   AND m.payment_state IN ('not_paid', 'partial')
                   AND m.invoice_date_due < CURRENT_DATE
            ), months AS (
                SELECT o.unit_id, o.partner_id, count(DISTINCT b.month) AS n
                  FROM cs_property_billing_line b
                  JOIN open_lines o ON o.id = b.move_line_id
                 GROUP BY o.unit_id, o.partner_id
            )
            SELECT min(o.id) AS id, o.unit_id, u.building_id, u.estate_id, u.company_id,
                   o.partner_id,
                   round(sum(o.residual), 2) AS amount_overdue,
                   coalesce(max(mo.n), 0) AS months_overdue,
                   min(o.due) AS oldest_due,
                   max(o.days) AS days_overdue,
                   round(coalesce(sum(o.residual) FILTER (WHERE o.days <= 30), 0), 2)
                       AS bucket_0_30,
                   round(coalesce(sum(o.residual) FILTER (WHERE o.days BETWEEN 31 AND 90), 0), 2)
                       AS bucket_31_90,
                   round(coalesce(sum(o.residual) FILTER (WHERE o.days BETWEEN 91 AND 180), 0), 2)
                       AS bucket_91_180,
                   round(coalesce(sum(o.residual) FILTER (WHERE o.days BETWEEN 181 AND 365), 0), 2)
                       AS bucket_181_365,
                   round(coalesce(sum(o.residual) FILTER (WHERE o.days > 365), 0), 2)
                       AS bucket_365
              FROM open_lines o
              JOIN cs_property_unit u ON u.id = o.unit_id
              LEFT JOIN months mo ON mo.unit_id = o.unit_id AND mo.partner_id = o.partner_id
             GROUP BY o.unit_id, o.partner_id, u.building_id, u.estate_id, u.company_id
            HAVING round(sum(o.residual), 2) > 0
            """
        )

    @api.model
    def _arrears_by_unit_partner(self, domain=None):
        """{(unit_id, partner_id): (amount, days, oldest_due)} in one grouped query."""
        rows = self._read_group(
            domain or [],
            ["unit_id", "partner_id"],
            ["amount_overdue:sum", "days_overdue:max", "oldest_due:min"],
        )
        return {
            (unit.id, partner.id): (amount, days, oldest)
            for unit, partner, amount, days, oldest in rows
        }

    def action_open_unit(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "cs.property.unit",
            "res_id": self.unit_id.id,
            "view_mode": "form",
        }
