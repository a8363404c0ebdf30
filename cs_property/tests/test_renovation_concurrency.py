import threading
import time
from contextlib import contextmanager
from datetime import date, timedelta

from odoo import api
from odoo.addons.base.models.ir_model import MODULE_UNINSTALL_FLAG
from odoo.exceptions import UserError
from odoo.modules.registry import Registry
from odoo.service.model import retrying
from odoo.tests import BaseCase, get_db_name


class TestTwoFeeInvoicesInTwoTransactions(BaseCase):
    """Two clicks on “create fee invoice” for one renovation in two real,
    concurrent transactions: the second waits on the renovation's row lock,
    fails to serialize when the first commits, and its retry (Odoo's own,
    around an RPC call) answers “already invoiced”: one invoice, never two."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = Registry(get_db_name())

    @contextmanager
    def _env(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {"tracking_disable": True})
            yield env(user=env.ref("base.user_admin"))

    def setUp(self):
        super().setUp()
        tag = f"RC{int(time.time() * 1000) % 10**8}"
        with self._env() as env:
            su = env(su=True)
            estate = su["cs.property.estate"].create(
                {
                    "name": f"Renovation concurrency {tag}",
                    "code": tag,
                    "renovation_fee_mode": "flat",
                    "renovation_fee_rate": 800,
                }
            )
            self.estate_id = estate.id
            self.addCleanup(self._cleanup)
            building = su["cs.property.building"].create(
                {"estate_id": estate.id, "name": "1栋", "completion_date": "2020-01-01"}
            )
            unit = su["cs.property.unit"].create(
                {"building_id": building.id, "name": "101", "gross_area": 88.0}
            )
            self.partner_id = su["res.partner"].create({"name": f"业主 {tag}"}).id
            reno = su["cs.property.renovation"].create(
                {
                    "estate_id": estate.id,
                    "unit_id": unit.id,
                    "partner_id": self.partner_id,
                    "date_start": date.today(),
                    "date_end": date.today() + timedelta(days=30),
                    "worker_count": 2,
                }
            )
            reno.sudo().write({"state": "approved"})
            self.reno_id = reno.id

    def _cleanup(self):
        with self._env() as env:
            su = env(su=True, context={**env.context, MODULE_UNINSTALL_FLAG: True})
            renos = su["cs.property.renovation"].search([("estate_id", "=", self.estate_id)])
            moves = su["account.move"].search([("invoice_origin", "in", renos.mapped("name"))])
            renos.unlink()
            moves.with_context(force_delete=True).unlink()
            su["cs.property.unit"].search([("estate_id", "=", self.estate_id)]).unlink()
            su["cs.property.building"].search([("estate_id", "=", self.estate_id)]).unlink()
            estate = su["cs.property.estate"].browse(self.estate_id)
            analytic = estate.analytic_account_id
            estate.unlink()
            analytic.unlink()
            su["res.partner"].browse(self.partner_id).unlink()

    def _blocked(self, pid):
        with self.registry.cursor() as cr:
            cr.execute("SELECT wait_event_type, query FROM pg_stat_activity WHERE pid = %s", [pid])
            row = cr.fetchone()
        return bool(row) and row[0] == "Lock" and "cs_property_renovation" in row[1]

    def test_second_click_answers_already_invoiced(self):
        a_done, a_may_commit = threading.Event(), threading.Event()
        state = {"b_attempts": 0, "errors": [], "b_refusal": None}

        def click_a():
            try:
                with self._env() as env:
                    env["cs.property.renovation"].browse(self.reno_id).action_create_fee_invoice()
                    env.flush_all()
                    a_done.set()
                    a_may_commit.wait(60)
            except Exception as exc:
                state["errors"].append(exc)
                a_done.set()

        def click_b():
            try:
                with self._env() as env:
                    state["b_pid"] = env.cr._cnx.get_backend_pid()
                    reno = env["cs.property.renovation"].browse(self.reno_id)

                    def create():
                        state["b_attempts"] += 1
                        return reno.action_create_fee_invoice()

                    retrying(create, env)
            except UserError as exc:
                state["b_refusal"] = str(exc)
            except Exception as exc:
                state["errors"].append(exc)

        thread_a = threading.Thread(target=click_a)
        thread_a.start()
        self.assertTrue(a_done.wait(120), "A did not invoice")
        thread_b = threading.Thread(target=click_b)
        thread_b.start()
        blocked = False
        for _i in range(300):
            if "b_pid" in state and self._blocked(state["b_pid"]):
                blocked = True
                break
            time.sleep(0.1)
        a_may_commit.set()
        thread_a.join(120)
        thread_b.join(120)
        self.assertFalse(state["errors"])
        self.assertTrue(blocked, "B never waited on the renovation's lock")
        self.assertGreaterEqual(state["b_attempts"], 2)
        self.assertRegex(state["b_refusal"] or "", "already invoiced")
        with self._env() as env:
            reno = env(su=True)["cs.property.renovation"].browse(self.reno_id)
            invoices = env(su=True)["account.move"].search([("invoice_origin", "=", reno.name)])
            self.assertEqual(len(invoices), 1)
            self.assertEqual(reno.fee_invoice_id, invoices)
            # 800 flat management fee; passes and debris as the estate's defaults
            self.assertAlmostEqual(invoices.amount_untaxed, reno.fee_total, places=2)
