import threading
import time
from contextlib import contextmanager
from unittest.mock import patch

import odoo
from odoo import Command, api
from odoo.addons.base.models.ir_model import MODULE_UNINSTALL_FLAG
from odoo.modules.registry import Registry
from odoo.service.model import retrying
from odoo.tests import BaseCase, get_db_name

MONTH = "2031-01-01"  # far from the demo's and the other tests' months


class TestTwoRunsInTwoTransactions(BaseCase):
    """Two billing runs of the same month and units in two real, concurrent
    database transactions (two cursors of the registry, outside the test
    transaction): what they commit is real, so the test deletes it at the end.

    Both runs are previewed before either bills, so each preview lists the
    common units (the Python check of already-billed months cannot help).
    Run A bills building 1 and holds its transaction open; run B bills
    buildings 1 and 2. B's claim of the billing lines must wait on the unique
    index for A; when A commits, B's repeatable-read transaction fails with a
    serialization error and is rolled back, and its retry bills building 2
    only. Clicked by a user, the retry is Odoo's own (``retrying`` around an
    RPC call); from the cron, ``_process_batches_retrying`` retries the batch.
    Either way each unit, item and month is billed once, on one invoice line.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = Registry(get_db_name())

    @contextmanager
    def _env(self):
        """A committed transaction of its own, as the administrator (finance)."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {"tracking_disable": True})
            admin = env.ref("base.user_admin")
            yield env(user=admin)

    def setUp(self):
        super().setUp()
        tag = f"CC{int(time.time() * 1000) % 10**8}"
        with self._env() as env:
            su = env(su=True)
            estate = su["cs.property.estate"].create({"name": f"Concurrency {tag}", "code": tag})
            self.estate_id = estate.id
            self.addCleanup(self._cleanup)
            Building = su["cs.property.building"]
            buildings = Building.create(
                [
                    {"estate_id": estate.id, "name": name, "completion_date": "2020-01-01"}
                    for name in ("1栋", "2栋")
                ]
            )
            units = su["cs.property.unit"].create(
                [
                    {
                        "building_id": building.id,
                        "name": f"{floor}0{i}",
                        "gross_area": 80.25 + 7 * i + floor,
                        "handover_date": "2020-06-01",
                        "state": "occupied",
                    }
                    for floor, building, count in ((1, buildings[0], 6), (2, buildings[1], 4))
                    for i in range(count)
                ]
            )
            partners = su["res.partner"].create(
                [{"name": f"业主 {tag}-{unit.name}"} for unit in units]
            )
            su["cs.property.occupancy"].create(
                [
                    {
                        "unit_id": unit.id,
                        "partner_id": partner.id,
                        "role": "owner",
                        "date_start": "2020-06-01",
                    }
                    for unit, partner in zip(units, partners, strict=True)
                ]
            )
            Item = su["cs.property.charge.item"]
            self.items = {}
            for name, basis, rate in (("物业服务费", "gross_area", 2.35), ("垃圾费", "flat", 10)):
                item = Item.create(
                    {
                        "estate_id": estate.id,
                        "name": name,
                        "basis": basis,
                        "product_id": env.ref("cs_property.product_service_charge").id,
                        "tax_ids": [Command.clear()],
                        "price_ids": [Command.create({"date_from": "2020-01-01", "rate": rate})],
                    }
                )
                self.items[item.id] = (basis, rate)
            estate._analytic_account()
            self.building_ids = buildings.ids
            self.units = {unit.id: (unit.building_id.id, unit.gross_area) for unit in units}

    def _preview_runs(self, **vals):
        """Run A of building 1 and run B of the whole estate, both previewed
        (and committed) before either bills."""
        with self._env() as env:
            common = {
                "estate_ids": [Command.set([self.estate_id])],
                "date_start": MONTH,
                "invoice_date": MONTH,
                **vals,
            }
            run_a, run_b = env["cs.property.billing.run"].create(
                [{**common, "building_ids": [Command.set(self.building_ids[:1])]}, common]
            )
            (run_a | run_b).action_preview()
            self.assertEqual((run_a.unit_count, run_b.unit_count), (6, 10))
            self.run_ids = (run_a.id, run_b.id)

    def _cleanup(self):
        """Delete what the test committed. Its history guards (occupancies,
        units, estates are never deleted by users) are skipped the way a module
        uninstallation skips them: this is test data, not history."""
        with self._env() as env:
            su = env(su=True, context={**env.context, MODULE_UNINSTALL_FLAG: True})
            estates = su["cs.property.estate"].browse(self.estate_id).exists()
            self._delete_estates(estates)

    @staticmethod
    def _delete_estates(estates):
        su = estates.env
        billed = su["cs.property.billing.line"].search([("estate_id", "in", estates.ids)])
        moves = billed.move_id
        billed.unlink()
        moves.filtered(lambda m: m.state == "posted").button_draft()
        moves.with_context(force_delete=True).unlink()
        su["cs.property.billing.run"].search([("estate_ids", "in", estates.ids)]).unlink()
        units = su["cs.property.unit"].search([("estate_id", "in", estates.ids)])
        occupancies = su["cs.property.occupancy"].search([("unit_id", "in", units.ids)])
        partners = occupancies.partner_id
        occupancies.unlink()
        su["cs.property.charge.item"].search([("estate_id", "in", estates.ids)]).unlink()
        units.unlink()
        su["cs.property.building"].search([("estate_id", "in", estates.ids)]).unlink()
        analytic = estates.analytic_account_id
        estates.unlink()
        analytic.unlink()
        partners.unlink()

    def _blocked_on_billing_key(self, pid):
        """Whether backend ``pid`` is waiting for a lock in its billing-line INSERT."""
        with self.registry.cursor() as cr:
            cr.execute("SELECT wait_event_type, query FROM pg_stat_activity WHERE pid = %s", [pid])
            row = cr.fetchone()
        return bool(row) and row[0] == "Lock" and "INTO cs_property_billing_line" in row[1]

    def test_second_run_waits_on_the_key_then_bills_only_the_rest(self):
        self._preview_runs()
        a_billed, a_may_commit = threading.Event(), threading.Event()
        state = {"b_attempts": 0, "errors": []}

        def run_a():
            try:
                with self._env() as env:
                    env["cs.property.billing.run"].browse(self.run_ids[0]).action_confirm()
                    env.flush_all()
                    a_billed.set()
                    a_may_commit.wait(60)
            except Exception as exc:
                state["errors"].append(exc)
                a_billed.set()

        def run_b():
            try:
                with self._env() as env:
                    state["b_pid"] = env.cr._cnx.get_backend_pid()
                    run = env["cs.property.billing.run"].browse(self.run_ids[1])

                    def confirm():
                        state["b_attempts"] += 1
                        return run.action_confirm()

                    retrying(confirm, env)
            except Exception as exc:
                state["errors"].append(exc)

        thread_a = threading.Thread(target=run_a)
        thread_a.start()
        self.assertTrue(a_billed.wait(120), "run A did not bill")
        thread_b = threading.Thread(target=run_b)
        thread_b.start()
        blocked = self._wait_blocked(state)
        a_may_commit.set()
        thread_a.join(120)
        thread_b.join(120)
        self.assertFalse(state["errors"])
        self.assertTrue(blocked, "run B never waited on the billing lines' unique key")
        # the first attempt of B failed on A's committed keys and was rolled back whole
        self.assertGreaterEqual(state["b_attempts"], 2)
        self._assert_billed_once()

    def test_cron_batches_retry_on_the_key(self):
        """The cron's path: batches of 2 payers, each committed. A holds its
        first batch open; B's first batch (the same two payers) waits on the
        key, fails when A commits, is rolled back alone and billed again on a
        fresh snapshot; B's earlier committed work is never undone."""
        self._preview_runs(batch_size=2)
        with self._env() as env:
            env["cs.property.billing.run"].browse(self.run_ids).write({"state": "running"})
        Run = self.registry["cs.property.billing.run"]
        a_claimed, a_may_commit = threading.Event(), threading.Event()
        state = {"b_attempts": 0, "errors": []}
        link, process = Run._link_billing, Run._process_batches

        def link_billing(run, moves, claimed):
            result = link(run, moves, claimed)
            if run.id == self.run_ids[0] and not a_claimed.is_set():
                a_claimed.set()  # A's first batch is billed, not committed
                a_may_commit.wait(60)
            return result

        def process_batches(run, commit=True):
            if run.id == self.run_ids[1]:
                state["b_attempts"] += 1
            return process(run, commit=commit)

        def bill(index):
            try:
                with self._env() as env:
                    if index:
                        state["b_pid"] = env.cr._cnx.get_backend_pid()
                    env["cs.property.billing.run"].browse(
                        self.run_ids[index]
                    )._process_batches_retrying()
            except Exception as exc:
                state["errors"].append(exc)
                a_claimed.set()

        with (
            patch.object(Run, "_link_billing", link_billing),
            patch.object(Run, "_process_batches", process_batches),
            patch.object(odoo.modules.module, "current_test", None),  # commit per batch
        ):
            thread_a = threading.Thread(target=bill, args=(0,))
            thread_a.start()
            self.assertTrue(a_claimed.wait(120), "run A did not bill")
            thread_b = threading.Thread(target=bill, args=(1,))
            thread_b.start()
            blocked = self._wait_blocked(state)
            a_may_commit.set()
            thread_a.join(180)
            thread_b.join(180)
        self.assertFalse(state["errors"])
        self.assertTrue(blocked, "run B never waited on the billing lines' unique key")
        self.assertGreaterEqual(state["b_attempts"], 2)
        self._assert_billed_once()

    def _wait_blocked(self, state):
        for _i in range(300):  # B reaches its claim and waits on A's uncommitted keys
            if "b_pid" in state and self._blocked_on_billing_key(state["b_pid"]):
                return True
            time.sleep(0.1)
        return False

    def _assert_billed_once(self):
        with self._env() as env:
            su = env(su=True)
            run_a, run_b = su["cs.property.billing.run"].browse(self.run_ids)
            self.assertEqual((run_a.state, run_b.state), ("done", "done"))
            self.assertEqual((run_a.invoice_count, run_b.invoice_count), (6, 4))
            # honest runs: B names A for the 6 units × 2 items it left out
            self.assertEqual((run_a.already_billed_count, run_b.already_billed_count), (0, 12))
            self.assertEqual(run_b.already_billed_run_ids, run_a)
            self.assertIn(
                f"already billed by run {run_a.name} (#{run_a.id})", run_b.message_ids[0].body
            )
            billed = su["cs.property.billing.line"].search([("estate_id", "=", self.estate_id)])
            self.assertEqual(len(billed), 20)
            self.assertEqual(
                {(b.unit_id.id, b.item_id.id, str(b.month)) for b in billed},
                {(u, i, MONTH) for u in self.units for i in self.items},
            )
            for line in billed:
                in_b1 = self.units[line.unit_id.id][0] == self.building_ids[0]
                self.assertEqual(line.run_id.id, self.run_ids[0 if in_b1 else 1])
                self.assertFalse(line.released)
            invoice_lines = su["account.move.line"].search(
                [("cs_unit_id", "in", list(self.units)), ("parent_state", "=", "posted")]
            )
            self.assertEqual(len(invoice_lines), 20)
            self.assertEqual(invoice_lines, billed.move_line_id)
            for aml in invoice_lines:
                basis, rate = self.items[aml.cs_charge_item_id.id]
                area = self.units[aml.cs_unit_id.id][1]
                expected = round(area * rate, 2) if basis == "gross_area" else rate
                self.assertAlmostEqual(aml.price_subtotal, expected, places=2)
                self.assertAlmostEqual(aml.credit, expected, places=2)
                self.assertIn("2031-01", aml.name)
                self.assertEqual(aml.move_id.partner_id, aml.partner_id)
            for move in invoice_lines.move_id:
                self.assertEqual(len(move.invoice_line_ids), 2)
                self.assertEqual(len(move.invoice_line_ids.cs_unit_id), 1)
                unit = move.invoice_line_ids.cs_unit_id
                total = round(self.units[unit.id][1] * 2.35, 2) + 10
                self.assertAlmostEqual(move.amount_total, total, places=2)
                receivable = move.line_ids.filtered(
                    lambda ln: ln.account_id.account_type == "asset_receivable"
                )
                self.assertAlmostEqual(receivable.debit, total, places=2)
