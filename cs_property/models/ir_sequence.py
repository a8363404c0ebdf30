import psycopg2.errors

from odoo import models
from odoo.exceptions import UserError
from odoo.service.model import MAX_TRIES_ON_CONCURRENCY_FAILURE

# the lock of a gap-free sequence is taken by another transaction, or the row
# changed since this transaction began: the request is retried on fresh data
_BUSY = (psycopg2.errors.LockNotAvailable, psycopg2.errors.SerializationFailure)


class IrSequence(models.Model):
    _inherit = "ir.sequence"

    def _next_do(self):
        if self.implementation != "no_gap":
            return super()._next_do()
        return self.get_next_char(self.sudo()._cs_update_nogap(self.number_increment))

    def _cs_update_nogap(self, number_increment):
        """Odoo's ``_update_nogap`` (lock the row without waiting, move it on),
        but a desk that still finds the numbering busy on the last try of its
        request is told to save again, instead of getting a traceback; the
        tries before are retried by Odoo (``odoo.service.model.retrying``)."""
        self.ensure_one()
        self.flush_recordset(["number_next"])
        cr = self.env.cr
        try:
            cr.execute(
                "SELECT number_next FROM ir_sequence WHERE id = %s FOR UPDATE NOWAIT", [self.id]
            )
        except _BUSY as exc:
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
        number_next = cr.fetchone()[0]
        cr.execute(
            "UPDATE ir_sequence SET number_next = number_next + %s WHERE id = %s",
            [number_increment, self.id],
        )
        self.invalidate_recordset(["number_next"])
        return number_next
