from odoo import fields, models

FEE_MODES = [("per_m2", "Per m² of the Unit"), ("flat", "Flat Amount")]


class CsPropertyEstate(models.Model):
    """Renovation rules of an estate: its fee schedule, deposit, work hours and
    patrol rhythm (装修管理办法)."""

    _inherit = "cs.property.estate"

    renovation_fee_mode = fields.Selection(
        FEE_MODES, string="Management Fee Basis", default="per_m2", required=True
    )
    renovation_fee_rate = fields.Monetary(
        string="Renovation Management Fee",
        currency_field="renovation_currency_id",
        default=5.0,
        help="Per m² of the unit's gross area, or a flat amount per application.",
    )
    renovation_debris_fee = fields.Monetary(
        string="Debris Removal Fee", currency_field="renovation_currency_id", default=300.0
    )
    renovation_pass_fee = fields.Monetary(
        string="Pass Fee per Worker", currency_field="renovation_currency_id", default=10.0
    )
    renovation_deposit = fields.Monetary(
        string="Renovation Deposit",
        currency_field="renovation_currency_id",
        default=2000.0,
        help="Base deposit of every application; scope items may add to it.",
    )
    renovation_deposit_account_id = fields.Many2one(
        "account.account",
        string="Deposit Liability Account",
        check_company=True,
        help="Empty: the company's “Renovation deposits” account.",
    )
    renovation_penalty_account_id = fields.Many2one(
        "account.account",
        string="Deduction Income Account",
        check_company=True,
        help="Income credited by deposit deductions for violations. Empty: the company's "
        "default income account.",
    )
    renovation_currency_id = fields.Many2one(related="company_id.currency_id")
    renovation_summer_start = fields.Integer(
        string="Summer Hours From (month)", default=5, help="First month of the summer hours."
    )
    renovation_summer_end = fields.Integer(
        string="Summer Hours Until (month)", default=9, help="Last month of the summer hours."
    )
    renovation_hours_summer = fields.Char(
        string="Summer Work Hours", default="8:30-11:30, 14:30-20:00", translate=False
    )
    renovation_hours_winter = fields.Char(
        string="Winter Work Hours", default="8:00-12:00, 14:00-19:00", translate=False
    )
    renovation_patrol_first_days = fields.Integer(string="First Patrol After (days)", default=2)
    renovation_patrol_interval_days = fields.Integer(string="Patrol Interval (days)", default=7)

    def _renovation_deposit_account(self):
        self.ensure_one()
        return (
            self.renovation_deposit_account_id or self.company_id._cs_renovation_deposit_account()
        )

    def _renovation_penalty_account(self):
        self.ensure_one()
        return self.renovation_penalty_account_id or self.company_id.income_account_id

    def _renovation_work_hours(self, date):
        """The work hours in force on ``date`` (summer or winter)."""
        self.ensure_one()
        summer = self.renovation_summer_start <= date.month <= self.renovation_summer_end
        return self.renovation_hours_summer if summer else self.renovation_hours_winter
