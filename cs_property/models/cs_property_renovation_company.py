from odoo import api, fields, models

DEPOSIT_ACCOUNT_CODE = "224190"


class ResCompany(models.Model):
    _inherit = "res.company"

    cs_renovation_deposit_account_id = fields.Many2one(
        "account.account",
        string="Renovation Deposits Account",
        check_company=True,
        help="Reconcilable current liability holding the renovation deposits (装修押金): "
        "the owners' money, never income. Created on install for each company with a "
        "chart of accounts; an estate may use another one.",
    )

    @api.model
    def _cs_renovation_create_deposit_accounts(self):
        """Data function run on install and update: every company that has a chart
        of accounts gets its "Renovation deposits" liability account."""
        companies = self.sudo().search([("chart_template", "!=", False)])
        for company in companies.filtered(lambda c: not c.cs_renovation_deposit_account_id):
            company._cs_renovation_deposit_account()
        return True

    def _cs_renovation_deposit_account(self):
        """The company's deposit liability account, created on first use (covers
        companies created or given a chart after install)."""
        self.ensure_one()
        if self.cs_renovation_deposit_account_id:
            return self.cs_renovation_deposit_account_id
        Account = self.env["account.account"].sudo().with_company(self)
        code = Account._search_new_account_code(DEPOSIT_ACCOUNT_CODE)
        account = Account.create(
            {
                "name": self.env._("Renovation deposits"),
                "code": code,
                "account_type": "liability_current",
                "reconcile": True,
                "company_ids": [(6, 0, self.ids)],
            }
        )
        self.sudo().cs_renovation_deposit_account_id = account
        return account


class AccountChartTemplate(models.AbstractModel):
    _inherit = "account.chart.template"

    def _load(self, template_code, company, install_demo, force_create=True):
        """A company given its chart of accounts later gets its deposit account too."""
        result = super()._load(template_code, company, install_demo, force_create=force_create)
        company = company or self.env.company
        if company and not company.cs_renovation_deposit_account_id:
            company._cs_renovation_deposit_account()
        return result
