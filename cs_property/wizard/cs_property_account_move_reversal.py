from odoo import models


class AccountMoveReversal(models.TransientModel):
    """“Reverse and create invoice” (modify) of a service-charge invoice: the
    credit note frees the months, the new draft takes them back at once, so a
    later billing run cannot bill them a second time. A plain credit note
    (refund) frees them for good: the bill is cancelled and may be redone."""

    _inherit = "account.move.reversal"

    def reverse_moves(self, is_modify=False):
        action = super().reverse_moves(is_modify=is_modify)
        if is_modify:
            self._cs_move_billing_to_new_invoices()
        return action

    def _cs_move_billing_to_new_invoices(self):
        # sudo: the claim follows the invoice, whoever corrects it
        Line = self.env["cs.property.billing.line"].sudo()
        released = Line.search(
            [
                ("move_id", "in", self.move_ids.ids),
                ("released", "=", True),
                ("released_move_id", "in", self.move_ids.reversal_move_ids.ids),
            ]
        )
        if not released:
            return
        new_moves = self.new_move_ids.filtered(lambda m: m.move_type == "out_invoice")
        for origin in released.move_id:
            keys = {(ln.unit_id.id, ln.item_id.id) for ln in released if ln.move_id == origin}
            new = new_moves.filtered(
                lambda m, o=origin, k=keys: (
                    m.partner_id == o.partner_id
                    and {(ln.cs_unit_id.id, ln.cs_charge_item_id.id) for ln in m.invoice_line_ids}
                    >= k
                )
            )[:1]
            if not new:
                continue
            new_moves -= new
            new.invoice_origin = origin.invoice_origin  # the run it belongs to
            by_key = {
                (ln.cs_unit_id.id, ln.cs_charge_item_id.id): ln for ln in new.invoice_line_ids
            }
            for billed in released.filtered(lambda ln, o=origin: ln.move_id == o):
                billed.copy(
                    {
                        "released": False,
                        "released_move_id": False,
                        "move_id": new.id,
                        "move_line_id": by_key[billed.unit_id.id, billed.item_id.id].id,
                        "partner_id": new.partner_id.id,
                    }
                )
