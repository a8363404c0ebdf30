from odoo import fields, models
from odoo.exceptions import UserError
from odoo.fields import Command


class CsPropertyRepair(models.Model):
    """An in-warranty service order can be handed to the developer as rework."""

    _inherit = "cs.property.repair"

    rework_id = fields.Many2one(
        "cs.property.rework",
        string="Rework Order",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )

    def action_convert_to_rework(self):
        self.ensure_one()
        if self.rework_id:
            raise UserError(
                self.env._(
                    "Service order %(name)s is already rework order %(rework)s.",
                    name=self.name,
                    rework=self.rework_id.name,
                )
            )
        if self.state in ("closed", "cancelled") or not self.unit_id or not self.in_warranty:
            raise UserError(
                self.env._(
                    "Service order %(name)s: only an open order on a unit within the "
                    "developer's warranty can become a rework order.",
                    name=self.name,
                )
            )
        rework = self.env["cs.property.rework"].create(
            {
                "estate_id": self.estate_id.id,
                "unit_id": self.unit_id.id,
                "partner_id": self.partner_id.id,
                "source": "repair",
                "repair_id": self.id,
                "severity": "major" if self.urgency == "emergency" else "normal",
                "line_ids": [
                    Command.create(
                        {
                            "name": self.category_id.name,
                            "category_id": self.category_id.id,
                            "description": self.description,
                        }
                    )
                ],
            }
        )
        self.rework_id = rework
        self.message_post(
            body=self.env._(
                "Handed to the developer as rework order %(rework)s.", rework=rework.name
            )
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "cs.property.rework",
            "res_id": rework.id,
            "view_mode": "form",
        }

    def action_view_rework(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "cs.property.rework",
            "res_id": self.rework_id.id,
            "view_mode": "form",
        }
