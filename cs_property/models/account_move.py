from odoo import fields, models


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
