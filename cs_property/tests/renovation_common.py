import base64
from datetime import date, timedelta

from odoo import Command

from .common import CsPropertyCase

FILE = base64.b64encode(b"%PDF-1.4 scan")


class RenovationCase(CsPropertyCase):
    """Estate A with an engineering team (leader: the technician), an owner of
    record on unit A101, a bank journal and the default fee schedule:
    management fee 5/m², debris 300, passes 10 per worker, deposit 2,000."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.team = env["cs.property.team"].create(
            {
                "estate_id": cls.estate_a.id,
                "name": "工程部",
                "team_type": "engineering",
                "leader_id": cls.user_technician.id,
            }
        )
        cls._occupy(cls.unit_a101, cls.owner)
        cls.contractor = env["res.partner"].create({"name": "美家装饰", "is_company": True})
        cls.scope_finish = env.ref("cs_property.renovation_scope_finish")
        cls.scope_walls = env.ref("cs_property.renovation_scope_walls")  # review, +1,000
        cls.scope_structure = env.ref("cs_property.renovation_scope_structure")  # forbidden
        cls.bank = env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", cls.company.id)], limit=1
        )
        cls.today = date.today()

    def _reno(self, unit=None, user=None, **vals):
        values = {
            "estate_id": (unit or self.unit_a101).estate_id.id,
            "unit_id": (unit or self.unit_a101).id,
            "partner_id": self.owner.id,
            "contractor_id": self.contractor.id,
            "date_start": self.today,
            "date_end": self.today + timedelta(days=30),
            "worker_count": 3,
            "scope_ids": [Command.set(self.scope_finish.ids)],
        }
        values.update(vals)
        return self.env["cs.property.renovation"].with_user(user or self.user_agent).create(values)

    def _hand_in_documents(self, reno):
        types = reno.sudo()._required_document_types()
        reno.write(
            {
                "document_ids": [
                    Command.create({"type_id": t.id, "file": FILE, "file_name": "scan.pdf"})
                    for t in types
                ]
            }
        )

    def _approved(self, **vals):
        reno = self._reno(**vals)
        self._hand_in_documents(reno)
        reno.action_submit()
        reno.action_check_complete()
        if reno.state == "engineering":
            reno.with_user(self.user_technician).action_engineering_pass()
        reno.action_approve()
        return reno

    def _pay_fees(self, reno):
        reno.action_create_fee_invoice()
        invoice = reno.fee_invoice_id.with_user(self.user_finance)
        invoice.action_post()
        self.env["account.payment.register"].with_user(self.user_finance).with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({})._create_payments()

    def _receive(self, reno, amount=None):
        reno = reno.with_user(self.user_finance)
        return reno._deposit_receive(self.bank, amount or reno.deposit_required)

    def _in_works(self, **vals):
        reno = self._approved(**vals)
        self._pay_fees(reno)
        self._receive(reno)
        reno.action_issue_permit()
        return reno

    def _violation(self, reno, amount=500.0, **vals):
        return (
            self.env["cs.property.renovation.violation"]
            .with_user(self.user_technician)
            .create(
                {
                    "renovation_id": reno.id,
                    "violation_type": "noise_hours",
                    "description": "电钻 21:30",
                    "deadline": self.today + timedelta(days=3),
                    "deduction_amount": amount,
                    **vals,
                }
            )
        )

    def _deposit_account(self):
        return self.estate_a._renovation_deposit_account()

    def _lines(self, move, account):
        return move.line_ids.filtered(lambda ln: ln.account_id == account)

    def assertRegisterEqualsLiability(self, estate):
        """The estate's deposit register equals the liability account's balance
        on the estate's analytic account."""
        register = sum(
            self.env["cs.property.renovation.deposit"]
            .search([("estate_id", "=", estate.id)])
            .mapped("amount")
        )
        analytic = str(estate._analytic_account().id)
        lines = self.env["account.move.line"].search(
            [
                ("account_id", "=", estate._renovation_deposit_account().id),
                ("parent_state", "=", "posted"),
            ]
        )
        balance = -sum(ln.balance for ln in lines if analytic in (ln.analytic_distribution or {}))
        self.assertAlmostEqual(register, balance, places=2)
        return register
