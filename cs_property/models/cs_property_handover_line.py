from odoo import api, fields, models

# the mixin is defined before the models inheriting it (models/__init__.py
# imports in the order the files were added)
from . import cs_property_handover_part_mixin  # noqa: F401
from .cs_property_rework import REWORK_SEVERITIES

RESULTS = [
    ("pending", "To Check"),
    ("ok", "OK"),
    ("defect", "Defect"),
    ("na", "Not Applicable"),
]
RESPONSIBLE = [("developer", "Developer"), ("contractor", "Contractor")]


class CsPropertyHandoverLine(models.Model):
    """One checked item of a handover inspection; on a re-inspection it shows
    the earlier result, description and photo beside the new one."""

    _name = "cs.property.handover.line"
    _description = "Handover Inspection Item"
    _inherit = ["cs.property.handover.part.mixin"]
    _order = "handover_id, sequence, id"

    unit_id = fields.Many2one(related="handover_id.unit_id", store=True, index=True)
    building_id = fields.Many2one(related="handover_id.building_id", store=True, index=True)
    handover_state = fields.Selection(related="handover_id.state", string="Inspection Status")
    sequence = fields.Integer(default=10)
    room = fields.Char(required=True)
    name = fields.Char(string="Item", required=True)
    category_id = fields.Many2one("cs.property.repair.category", string="Warranty Class")
    photo_required = fields.Boolean(string="Photo on Defect")
    result = fields.Selection(RESULTS, required=True, default="pending", index=True)
    location = fields.Char(help="Where exactly, e.g. 东墙距地1米.")
    description = fields.Text(string="Defect")
    severity = fields.Selection(REWORK_SEVERITIES, default="normal")
    photo = fields.Image(max_width=1024, max_height=1024, attachment=True)
    responsible = fields.Selection(RESPONSIBLE, default="contractor", string="Responsible Party")
    contractor_id = fields.Many2one(
        "res.partner",
        compute="_compute_contractor_id",
        store=True,
        index=True,
        string="Responsible Company",
    )
    previous_line_id = fields.Many2one(
        "cs.property.handover.line", string="Earlier Result", readonly=True, index="btree_not_null"
    )
    previous_result = fields.Selection(related="previous_line_id.result", string="Earlier")
    previous_description = fields.Text(
        related="previous_line_id.description", string="Earlier Defect"
    )
    previous_photo = fields.Image(related="previous_line_id.photo", string="Earlier Photo")
    rework_line_id = fields.Many2one(
        "cs.property.rework.line",
        string="Rework Item",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )
    defect_rate = fields.Float(
        string="Defects (%)",
        compute="_compute_defect_rate",
        store=True,
        aggregator="avg",
        help="100 for a defect, 0 otherwise: averaged, the defects per 100 checks.",
    )

    @api.depends("responsible", "handover_id.unit_id.building_id.contractor_id")
    def _compute_contractor_id(self):
        for line in self:
            building = line.handover_id.unit_id.building_id
            line.contractor_id = (
                building.contractor_id
                if line.responsible == "contractor"
                else building.developer_id
            )

    @api.depends("result")
    def _compute_defect_rate(self):
        for line in self:
            line.defect_rate = 100.0 if line.result == "defect" else 0.0
