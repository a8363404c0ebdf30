from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Command

from .cs_property_rework import REWORK_OPEN_STATES

_SEVERITY_RANK = {"minor": 0, "normal": 1, "major": 2}


class CsPropertyHandoverReinspection(models.Model):
    """A refused handover and what follows it: the chain of re-inspections
    (which the owner's appointment follows), the meter readings carried over,
    and rework orders issued once per defect — a re-inspection that finds an
    item still defective continues its open rework order."""

    _inherit = "cs.property.handover"

    root_id = fields.Many2one(
        "cs.property.handover",
        string="First Inspection",
        compute="_compute_root_id",
        store=True,
        recursive=True,
        index=True,
        help="The first inspection of the unit that this re-inspection follows.",
    )
    chain_ids = fields.One2many("cs.property.handover", "root_id", string="Inspections of the Unit")

    @api.depends("previous_id.root_id")
    def _compute_root_id(self):
        for handover in self:
            handover.root_id = handover.previous_id.root_id or handover.previous_id or handover

    # ------------------------------------------------------------ start
    def _early_start_check(self):
        """The unit's booked appointment decides (see the appointment)."""
        appointments = self.env["cs.property.handover.appointment"].search(
            [("unit_id", "in", self.unit_id.ids), ("state", "=", "booked")]
        )
        for handover in self:
            mine = appointments.filtered(lambda a, h=handover: a.unit_id == h.unit_id)
            action = mine._early_start_check(handover=handover)
            if action:
                return action
        return None

    def _reinspection_line_vals(self):
        """Only the items that failed, each pointing at its earlier result."""
        return [
            {
                "sequence": line.sequence,
                "room": line.room,
                "name": line.name,
                "category_id": line.category_id.id,
                "photo_required": line.photo_required,
                "previous_line_id": line.id,
            }
            for line in self.line_ids
            if line.result == "defect"
        ]

    def _carry_meter_readings(self):
        """A re-inspection starts with the readings of the refused visit (the
        staff correct them if the meters moved since): one create."""
        vals_list = [
            {
                "unit_id": reading.unit_id.id,
                "handover_id": handover.id,
                "meter_type": reading.meter_type,
                "meter_number": reading.meter_number,
                "reading": reading.reading,
                "date": reading.date,
                "photo": reading.photo,
                "carried_from_id": reading.id,
            }
            for handover in self.filtered("previous_id")
            for reading in handover.previous_id.meter_reading_ids
        ]
        return self.env["cs.property.meter.reading"].create(vals_list)

    # ------------------------------------------------------------ rework
    def _open_earlier_rework_line(self, line):
        """The rework item of the same defect at the earlier inspection, if its
        order is still open (the contractor still owes the work)."""
        earlier = line.previous_line_id.rework_line_id
        return earlier if earlier.rework_id.state in REWORK_OPEN_STATES else earlier.browse()

    def action_create_rework(self):
        """Defects → rework orders, one per responsible party of the unit. A
        defect found again at a re-inspection while its rework order is open
        continues that order: it is not issued a second time."""
        self._check_state(("accepted", "refused"), self.env._("issuing rework orders"))
        Rework = self.env["cs.property.rework"]
        orders = Rework
        for handover in self:
            defects = handover.line_ids.filtered(
                lambda ln: ln.result == "defect" and not ln.rework_line_id
            )
            continued = orders.browse()
            for line in defects:
                earlier = self._open_earlier_rework_line(line)
                if earlier:
                    # the inspection is locked: only the link is written
                    line.sudo().rework_line_id = earlier
                    defects -= line
                    continued |= earlier.rework_id
            for order in continued:
                order.message_post(
                    body=self.env._(
                        "Re-inspection %(handover)s found its items still defective: the "
                        "order continues.",
                        handover=handover.name,
                    )
                )
            orders |= continued
            if not defects:
                if continued:
                    continue
                raise UserError(
                    self.env._(
                        "Handover inspection %(name)s: every defect already has its rework order.",
                        name=handover.name,
                    )
                )
            created = Rework.create(handover._rework_vals_list(defects))
            for line in created.line_ids:
                line.handover_line_id.sudo().rework_line_id = line
            orders |= created
        return {
            "type": "ir.actions.act_window",
            "res_model": "cs.property.rework",
            "view_mode": "list,form",
            "domain": [("id", "in", orders.ids)],
            "name": self.env._("Rework Orders"),
        }

    def _rework_vals_list(self, defects):
        self.ensure_one()
        building = self.unit_id.building_id
        vals_list = []
        for responsible, lines in defects.grouped("responsible").items():
            vals_list.append(
                {
                    "estate_id": self.estate_id.id,
                    "unit_id": self.unit_id.id,
                    "partner_id": self.partner_id.id,
                    "source": "handover",
                    "handover_id": self.id,
                    "developer_id": building.developer_id.id,
                    "contractor_id": building.contractor_id.id
                    if responsible == "contractor"
                    else False,
                    "severity": max(lines.mapped("severity"), key=_SEVERITY_RANK.get),
                    "line_ids": [
                        Command.create(
                            {
                                "sequence": line.sequence,
                                "room": line.room,
                                "name": line.name,
                                "description": line.description,
                                "category_id": line.category_id.id,
                                "photo": line.photo,
                                "handover_line_id": line.id,
                            }
                        )
                        for line in lines
                    ],
                }
            )
        return vals_list

    def action_reinspect(self):
        """A new inspection of the failed items only, beside their earlier result."""
        self._check_state(("refused",), self.env._("planning the re-inspection"))
        self.ensure_one()
        again = self.create(
            {
                "estate_id": self.estate_id.id,
                "unit_id": self.unit_id.id,
                "partner_id": self.partner_id.id,
                "template_id": self.template_id.id,
                "previous_id": self.id,
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": again.id,
            "view_mode": "form",
        }

    def action_view_rework(self):
        """Its own orders and the open orders its defects continue."""
        self.ensure_one()
        orders = self.rework_ids | self.line_ids.rework_line_id.rework_id
        return {
            "type": "ir.actions.act_window",
            "res_model": "cs.property.rework",
            "view_mode": "list,form",
            "domain": [("id", "in", orders.ids)],
            "name": self.env._("Rework Orders"),
        }
