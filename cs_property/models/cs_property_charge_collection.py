from odoo import fields, models
from odoo.tools import SQL

from .cs_property_sql_view_mixin import CHARGE_INVOICE_DEPENDS


class CsPropertyChargeCollection(models.Model):
    """Collection figures per estate and month (收费率), from the charge invoices.

    Billed: charge invoices less their credit notes, by invoice month.
    Collected in the month: payments reconciled with charge invoices that month.
    Month rate (当月收费率): share of the month's bills paid so far; cumulative
    rate (累计收费率): the same over the year up to the month.
    """

    _name = "cs.property.charge.collection"
    _description = "Service Charge Collection"
    _inherit = ["cs.property.sql.view.mixin"]
    _auto = False
    _order = "month desc, estate_id"
    _rec_name = "month"

    _depends = CHARGE_INVOICE_DEPENDS

    estate_id = fields.Many2one("cs.property.estate", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    month = fields.Date(readonly=True)
    billed = fields.Monetary(readonly=True)
    paid_of_billed = fields.Monetary(string="Paid of the Month's Bills", readonly=True)
    collected = fields.Monetary(string="Collected in the Month", readonly=True)
    outstanding = fields.Monetary(string="Outstanding of the Month's Bills", readonly=True)
    rate_month = fields.Float(string="Month Collection Rate (%)", readonly=True, aggregator="avg")
    cum_billed = fields.Monetary(
        string="Billed in the Year to Date", readonly=True, aggregator="max"
    )
    cum_paid = fields.Monetary(string="Paid in the Year to Date", readonly=True, aggregator="max")
    rate_cumulative = fields.Float(
        string="Cumulative Collection Rate (%)", readonly=True, aggregator="avg"
    )

    def _query(self):
        return SQL(
            """
            WITH charge_moves AS (
                SELECT m.id, m.move_type, m.company_id,
                       date_trunc('month', m.invoice_date)::date AS month,
                       min(u.estate_id) AS estate_id,
                       CASE WHEN m.move_type = 'out_refund' THEN -1 ELSE 1 END AS sign,
                       m.amount_total
                  FROM account_move m
                  JOIN account_move_line l ON l.move_id = m.id AND l.cs_unit_id IS NOT NULL
                  JOIN cs_property_unit u ON u.id = l.cs_unit_id
                 WHERE m.state = 'posted' AND m.move_type IN ('out_invoice', 'out_refund')
                 GROUP BY m.id
            ), payments AS (
                -- what payments (not credit notes) settled on each charge invoice
                SELECT cm.id AS move_id, cm.estate_id, cm.company_id, p.max_date, p.amount
                  FROM account_partial_reconcile p
                  JOIN account_move_line dl ON dl.id = p.debit_move_id
                  JOIN charge_moves cm ON cm.id = dl.move_id AND cm.move_type = 'out_invoice'
                  JOIN account_move_line cl ON cl.id = p.credit_move_id
                  JOIN account_move pm ON pm.id = cl.move_id AND pm.move_type = 'entry'
            ), billed AS (
                SELECT cm.estate_id, cm.company_id, cm.month,
                       sum(cm.sign * cm.amount_total) AS billed,
                       sum(coalesce(pa.amount, 0)) AS paid_of_billed
                  FROM charge_moves cm
                  LEFT JOIN (SELECT move_id, sum(amount) AS amount
                               FROM payments GROUP BY move_id) pa ON pa.move_id = cm.id
                 GROUP BY cm.estate_id, cm.company_id, cm.month
            ), collected AS (
                SELECT estate_id, company_id, date_trunc('month', max_date)::date AS month,
                       sum(amount) AS collected
                  FROM payments
                 GROUP BY estate_id, company_id, 3
            ), months AS (
                SELECT estate_id, company_id, month FROM billed
                UNION SELECT estate_id, company_id, month FROM collected
            ), figures AS (
                SELECT mo.estate_id, mo.company_id, mo.month,
                       coalesce(b.billed, 0) AS billed,
                       coalesce(b.paid_of_billed, 0) AS paid_of_billed,
                       coalesce(c.collected, 0) AS collected
                  FROM months mo
                  LEFT JOIN billed b USING (estate_id, company_id, month)
                  LEFT JOIN collected c USING (estate_id, company_id, month)
            ), cumulated AS (
                SELECT f.*,
                       sum(billed) OVER w AS cum_billed,
                       sum(paid_of_billed) OVER w AS cum_paid
                  FROM figures f
                WINDOW w AS (PARTITION BY estate_id, date_trunc('year', month) ORDER BY month)
            )
            SELECT row_number() OVER (ORDER BY month, estate_id) AS id,
                   estate_id, company_id, month, billed, paid_of_billed, collected,
                   billed - paid_of_billed AS outstanding,
                   CASE WHEN billed > 0 THEN round(100 * paid_of_billed / billed, 2) ELSE 0 END
                       AS rate_month,
                   cum_billed, cum_paid,
                   CASE WHEN cum_billed > 0 THEN round(100 * cum_paid / cum_billed, 2) ELSE 0 END
                       AS rate_cumulative
              FROM cumulated
            """
        )
