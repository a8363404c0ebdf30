from odoo import fields, models


class CsPropertyEstate(models.Model):
    _inherit = "cs.property.estate"

    charge_item_ids = fields.One2many("cs.property.charge.item", "estate_id", string="Charge Items")
    charge_payment_term_id = fields.Many2one(
        "account.payment.term",
        string="Charge Payment Terms",
        check_company=True,
        help="Due date of service-charge invoices; empty: due on the invoice date.",
    )
    charge_journal_id = fields.Many2one(
        "account.journal",
        string="Charge Journal",
        check_company=True,
        domain="[('type', '=', 'sale')]",
        help="Sales journal of service-charge invoices; empty: the company's default.",
    )
    charge_payment_instructions = fields.Text(
        string="How to Pay",
        translate=True,
        help="Printed on payment notices: bank account, office hours, online payment.",
    )
