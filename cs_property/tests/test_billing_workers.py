import threading
from unittest.mock import patch

import psycopg2.errors

import odoo
from odoo import Command

from . import test_charge_concurrency as two_runs

MONTH = two_runs.MONTH


class TestBillingWorkers(two_runs.TestTwoRunsInTwoTransactions):
    """One billing run billed by two workers (two cron jobs) in two real
    transactions: each claims its own batches of payers, a batch rolled back
    is claimed again, and every unit, item and month is billed once."""

    # the two-runs scenarios are the parent's own tests
    test_second_run_waits_on_the_key_then_bills_only_the_rest = None
    test_cron_batches_retry_on_the_key = None

    def _preview_run(self, batch_size):
        with self._env() as env:
            run = env["cs.property.billing.run"].create(
                {
                    "estate_ids": [Command.set([self.estate_id])],
                    "date_start": MONTH,
                    "invoice_date": MONTH,
                    "batch_size": batch_size,
                }
            )
            run.action_preview()
            run.state = "running"
            self.run_id = run.id

    def test_two_workers_never_claim_the_same_batch(self):
        self._preview_run(batch_size=3)
        first_claimed, may_end = threading.Event(), threading.Event()
        claims, errors = {}, []

        def claim(name, wait):
            try:
                with self._env() as env:
                    run = env["cs.property.billing.run"].browse(self.run_id)
                    claims[name] = run._claim_batch().ids
                    if wait:
                        first_claimed.set()
                        may_end.wait(60)
                    env.cr.rollback()
            except Exception as exc:
                errors.append(exc)
                first_claimed.set()

        worker_1 = threading.Thread(target=claim, args=("1", True))
        worker_1.start()
        self.assertTrue(first_claimed.wait(60))
        claim("2", False)  # while worker 1 holds its batch
        may_end.set()
        worker_1.join(60)
        claim("3", False)  # worker 1 rolled back: its batch is free again
        self.assertFalse(errors)
        self.assertEqual((len(claims["1"]), len(claims["2"])), (3, 3))
        self.assertFalse(set(claims["1"]) & set(claims["2"]), "one batch, one worker")
        self.assertEqual(claims["3"], claims["1"])

    def test_two_workers_bill_the_run_once_and_retry_a_failed_batch(self):
        self._preview_run(batch_size=2)
        Run = self.registry["cs.property.billing.run"]
        bill = Run._bill_payers
        state = {"failed": [], "by_worker": {"A": 0, "B": 0}, "errors": []}

        def bill_payers(run, partners):
            name = threading.current_thread().name
            if name == "A" and not state["failed"]:
                state["failed"].append(partners.ids)
                bill(run, partners)
                # the batch is billed, then fails before its commit
                raise psycopg2.errors.SerializationFailure()
            state["by_worker"][name] += 1
            return bill(run, partners)

        def work():
            try:
                with self._env() as env:
                    env["cs.property.billing.run"].browse(self.run_id)._process_batches_retrying()
            except Exception as exc:
                state["errors"].append(exc)

        with (
            patch.object(Run, "_bill_payers", bill_payers),
            patch.object(odoo.modules.module, "current_test", None),  # commit per batch
        ):
            workers = [threading.Thread(target=work, name=name) for name in "AB"]
            for thread in workers:
                thread.start()
            for thread in workers:
                thread.join(180)
        self.assertFalse(state["errors"])
        self.assertTrue(state["failed"], "no batch failed")
        self.assertEqual(sum(state["by_worker"].values()), 5, "10 payers, batches of 2")
        with self._env() as env:
            su = env(su=True)
            run = su["cs.property.billing.run"].browse(self.run_id)
            self.assertEqual((run.state, run.invoice_count, run.payer_done), ("done", 10, 10))
            billed = su["cs.property.billing.line"].search([("estate_id", "=", self.estate_id)])
            self.assertEqual(len(billed), 20)
            self.assertEqual(
                {(b.unit_id.id, b.item_id.id, str(b.month)) for b in billed},
                {(u, i, MONTH) for u in self.units for i in self.items},
            )
            # the failed batch's payers were billed once, after the retry
            failed = su["res.partner"].browse(state["failed"][0])
            self.assertEqual(len(billed.filtered(lambda b: b.partner_id in failed).move_id), 2)
            self.assertEqual(len(run.message_ids), 1, "closed once")
