from odoo import fields, models
from odoo.exceptions import UserError


class AccountMove(models.Model):
    _inherit = "account.move"

    property_repair_ids = fields.One2many(
        "cs.property.repair",
        "invoice_id",
        string="Service Orders",
        readonly=True,
        groups="cs_property.group_property_user,account.group_account_invoice",
    )

    def action_view_property_repairs(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "cs_property.action_cs_property_repair"
        )
        action["context"] = {"create": False}
        if len(self.property_repair_ids) == 1:
            # one invoice, one order: open it rather than a list of one
            action.update(
                views=[(False, "form")], view_mode="form", res_id=self.property_repair_ids.id
            )
            return action
        action["domain"] = [("id", "in", self.property_repair_ids.ids)]
        return action

    # ------------------------------------------------------------ deposit register
    def _cs_check_not_deposit_entry(self, action):
        """A posted renovation-deposit entry backs the deposit register: it
        stays posted, whoever asks (even the superuser), so the register of an
        estate equals the liability account's balance per applicant. A mistake
        is corrected by a new deposit movement, not by unposting."""
        rows = (
            self.env["cs.property.renovation.deposit"]
            .sudo()
            .search([("move_id", "in", self.ids)], limit=1)
        )
        if rows:
            raise UserError(
                self.env._(
                    "%(move)s backs the renovation deposit register of %(reno)s: it cannot be "
                    "%(action)s. Record a deduction or a refund of the deposit instead.",
                    move=rows.move_id.name,
                    reno=rows.renovation_id.name,
                    action=action,
                )
            )

    def button_draft(self):
        self._cs_check_not_deposit_entry(self.env._("reset to draft"))
        return super().button_draft()

    def button_cancel(self):
        self._cs_check_not_deposit_entry(self.env._("cancelled"))
        return super().button_cancel()

    def _reverse_moves(self, default_values_list=None, cancel=False):
        self._cs_check_not_deposit_entry(self.env._("reversed"))
        return super()._reverse_moves(default_values_list=default_values_list, cancel=cancel)
