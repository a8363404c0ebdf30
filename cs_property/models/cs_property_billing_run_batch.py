import logging

from odoo import api, models, modules
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY

_logger = logging.getLogger(__name__)


class CsPropertyBillingRunBatch(models.Model):
    """How a confirmed run is billed: batches of payers claimed in SQL
    (``FOR UPDATE SKIP LOCKED``) by as many cron workers as are free, each
    batch committed on its own, the run closed once by the worker that finds
    nothing left."""

    _inherit = "cs.property.billing.run"

    @api.model
    def _cron_process_runs(self):
        """Several cron jobs run this at once (``ir_cron_cs_property_billing_run``
        and ``…_2``): each claims its own batches of a run, so one run is
        billed by as many workers as there are jobs."""
        for run in self.search([("state", "=", "running")], order="id"):
            run._process_batches_retrying()

    def _process_batches_retrying(self, tries=3):
        """The cron's billing. A batch whose months another transaction billed
        meanwhile fails on the billing lines' unique key (a serialization error
        under Odoo's repeatable-read snapshots): only that batch is rolled back
        (the earlier ones are committed) and it is billed again on a fresh
        snapshot, which sees those months and skips them; so is a batch that
        failed otherwise on a concurrency error: its lines are claimed again.
        ``tries`` failures in a row without a batch of this run committed in
        between give up (the next cron run continues)."""
        self.ensure_one()
        failures = 0
        while True:
            done = self._lines_done_count()
            try:
                return self._process_batches(commit=True)
            except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
                # in a test nothing was committed: rolling back would undo the test
                if modules.module.current_test:
                    raise
                self.env.cr.rollback()
                self.env.invalidate_all()
                failures = 0 if self._lines_done_count() > done else failures + 1
                if failures >= tries:
                    raise
                _logger.info("Billing run %s: a batch met another run's months, retried", self.id)

    def _lines_done_count(self):
        self.env.cr.execute(
            "SELECT count(*) FROM cs_property_billing_run_line WHERE run_id = %s AND done",
            [self.id],
        )
        return self.env.cr.fetchone()[0]

    def _claim_batch(self):
        """The next payers of the run to bill, claimed by this transaction:
        their first pending preview line is locked (``FOR UPDATE SKIP LOCKED``),
        so another worker billing the same run takes the next payers instead,
        and a batch rolled back is free again. Read in SQL: the cost does not
        grow with what is left of the run."""
        self.env["cs.property.billing.run.line"].flush_model(["done", "partner_id"])
        self.env.cr.execute(
            """
            SELECT partner_id FROM cs_property_billing_run_line
             WHERE id IN (SELECT min(id) FROM cs_property_billing_run_line
                           WHERE run_id = %(run)s AND done IS NOT TRUE
                             AND COALESCE(exception, '') = '' AND partner_id IS NOT NULL
                           GROUP BY partner_id)
             ORDER BY partner_id
             LIMIT %(size)s
               FOR UPDATE SKIP LOCKED
            """,
            {"run": self.id, "size": self.batch_size or 200},
        )
        return self.env["res.partner"].browse([row[0] for row in self.env.cr.fetchall()])

    def _pending_elsewhere(self):
        """Whether lines of the run are still to bill (claimed by another worker)."""
        self.env.cr.execute(
            """SELECT 1 FROM cs_property_billing_run_line
                WHERE run_id = %s AND done IS NOT TRUE AND COALESCE(exception, '') = ''
                  AND partner_id IS NOT NULL LIMIT 1""",
            [self.id],
        )
        return bool(self.env.cr.fetchone())

    def _process_batches(self, commit=True):
        """Bill the remaining payers batch by batch; committed per batch when run
        from the cron (never inside tests), so progress survives interruptions.
        The worker that finds nothing left to bill, claimed or not, closes the run."""
        self.ensure_one()
        commit = commit and not modules.module.current_test
        run_id = self.id
        while True:
            batch = self._claim_batch()
            if not batch:
                break
            self._bill_payers(batch)
            self.env.flush_all()
            if commit:
                # one batch of invoices is durable before the next starts: an
                # interrupted run of 10,000 units resumes without losing work
                self.env.cr.commit()  # pylint: disable=invalid-commit
        if self._pending_elsewhere():
            return True  # another worker bills the last batches and closes the run
        self.env.cr.execute(
            "SELECT id FROM cs_property_billing_run WHERE id = %s AND state = 'running' FOR UPDATE",
            [run_id],
        )
        if not self.env.cr.fetchone():
            return True
        self.env.cr.execute(
            """SELECT count(DISTINCT partner_id) FROM cs_property_billing_run_line
                WHERE run_id = %s AND done""",
            [run_id],
        )
        self.write({"state": "done", "payer_done": self.env.cr.fetchone()[0]})
        if not self.invoice_count:
            body = self.env._(
                "Billing run finished without any invoice: its %(count)s unit-months were "
                "billed meanwhile by run %(runs)s.",
                count=self.already_billed_count,
                runs=self._runs_label(),
            )
        elif self.already_billed_count:
            body = self.env._(
                "Billing run finished: %(count)s invoices; %(billed)s unit-months already "
                "billed by run %(runs)s were left out.",
                count=self.invoice_count,
                billed=self.already_billed_count,
                runs=self._runs_label(),
            )
        else:
            body = self.env._("Billing run finished: %(count)s invoices.", count=self.invoice_count)
        self.message_post(body=body)
        return True
