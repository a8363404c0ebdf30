import psycopg2.errors

from odoo import models
from odoo.exceptions import UserError
from odoo.service.model import MAX_TRIES_ON_CONCURRENCY_FAILURE

# the first key of the advisory locks of gap-free numbering (the second is
# the sequence's id)
NUMBERING_LOCK = 0x43530001


class IrSequence(models.Model):
    """Gap-free numbering that queues instead of failing.

    Odoo's ``no_gap`` sequences lock their row and move it on: under
    repeatable read, every transaction that began before another one's number
    was committed then fails on that row (a serialization error) and its whole
    request is retried, with a growing pause — a busy front desk loses forms.
    Here a draw waits for the sequence's advisory lock (held from a draw to the
    commit of its transaction, so drawing last keeps it short), reads the last
    number drawn from the committed state (a fresh cursor: whatever this
    transaction's snapshot) and writes it in the ledger
    ``cs_property_sequence_number`` (an INSERT, no row of another transaction
    updated). A transaction rolled back leaves no row: its number is drawn
    again by the next form, so numbers stay gap-free.
    """

    _inherit = "ir.sequence"

    # how long a draw waits for another desk's form before giving up
    _cs_numbering_wait = "30s"

    def init(self):
        result = super().init()
        self.env.cr.execute(
            """
            CREATE TABLE IF NOT EXISTS cs_property_sequence_number (
                sequence_id integer NOT NULL REFERENCES ir_sequence(id) ON DELETE CASCADE,
                next_number integer NOT NULL,
                PRIMARY KEY (sequence_id, next_number)
            )
            """
        )
        return result

    def _get_number_next_actual(self):
        """The next number of a gap-free sequence is the ledger's when ahead."""
        result = super()._get_number_next_actual()
        gap_free = self.filtered(lambda s: s.id and s.implementation == "no_gap")
        if gap_free:
            self.env.cr.execute(
                "SELECT sequence_id, max(next_number) FROM cs_property_sequence_number "
                "WHERE sequence_id IN %s GROUP BY sequence_id",
                [tuple(gap_free.ids)],
            )
            ledger = dict(self.env.cr.fetchall())
            for seq in gap_free:
                seq.number_next_actual = max(seq.number_next, ledger.get(seq.id, 0))
        return result

    def _next_do(self):
        # the add-on's forms only: other modules' gap-free sequences keep Odoo's way
        if self.implementation != "no_gap" or not (self.code or "").startswith("cs.property."):
            return super()._next_do()
        return self.get_next_char(self.sudo()._cs_update_nogap(self.number_increment))

    def _cs_update_nogap(self, number_increment):
        """The first of ``number_increment`` numbers (consecutive steps) of
        this gap-free sequence. A desk that still finds the numbering busy
        after the wait, on the last try of its request, is told to save again
        instead of getting a traceback; the tries before are Odoo's
        (``odoo.service.model.retrying``)."""
        self.ensure_one()
        self.flush_recordset(["number_next"])
        cr = self.env.cr
        try:
            cr.execute(
                "SELECT set_config('lock_timeout', %s, true), pg_advisory_xact_lock(%s, %s), "
                "set_config('lock_timeout', %s, true)",
                [self._cs_numbering_wait, NUMBERING_LOCK, self.id, "0"],
            )
        except (psycopg2.errors.LockNotAvailable, psycopg2.errors.QueryCanceled) as exc:
            # counted on the cursor: one per request, kept across its retries
            tries = getattr(cr, "_cs_numbering_busy", 0) + 1
            cr._cs_numbering_busy = tries
            if tries < MAX_TRIES_ON_CONCURRENCY_FAILURE:
                raise
            raise UserError(
                self.env._(
                    "Numbering is busy: another desk is numbering a form of the same kind "
                    "right now. Nothing was saved; please save again."
                )
            ) from exc
        # the last number of the committed forms (and of this transaction's)
        cr.execute(
            "SELECT max(next_number) FROM cs_property_sequence_number WHERE sequence_id = %s",
            [self.id],
        )
        mine = cr.fetchone()[0] or 0
        with self.env.registry.cursor() as fresh:
            # an install or upgrade creates the ledger and the sequence in its
            # own, uncommitted transaction: nothing committed to read then
            fresh.execute(
                "SELECT to_regclass('cs_property_sequence_number') IS NOT NULL, "
                "(SELECT number_next FROM ir_sequence WHERE id = %s)",
                [self.id],
            )
            ledger_committed, number_next = fresh.fetchone()
            committed = 0
            if ledger_committed:
                fresh.execute(
                    "SELECT max(next_number) FROM cs_property_sequence_number "
                    "WHERE sequence_id = %s",
                    [self.id],
                )
                committed = fresh.fetchone()[0] or 0
        number_next = number_next or self.number_next
        first = max(number_next, committed or 0, mine, self.number_next)
        cr.execute(
            "INSERT INTO cs_property_sequence_number (sequence_id, next_number) VALUES (%s, %s)",
            [self.id, first + number_increment],
        )
        return first
