from odoo import fields, models
from odoo.tools import SQL


class CsPropertyHandoverDefectReport(models.Model):
    """Defects per 100 units (每百户缺陷数) by room, item and contractor.

    One row per checked item of a first inspection (re-inspections would count
    a defect twice). A ratio of sums is not the sum of ratios, so the two
    measures below are computed by the grouping query itself: at every pivot
    level the figure is the defects of the group over the distinct units
    inspected in it, times 100.
    """

    _name = "cs.property.handover.defect.report"
    _description = "Handover Defects per 100 Units"
    _inherit = ["cs.property.sql.view.mixin"]
    _auto = False
    _order = "unit_id, room, name"
    _rec_name = "name"

    _depends = {
        "cs.property.handover": ["previous_id", "unit_id", "state"],
        "cs.property.handover.line": [
            "handover_id",
            "room",
            "name",
            "result",
            "contractor_id",
            "responsible",
            "category_id",
            "estate_id",
            "company_id",
            "building_id",
        ],
    }

    handover_id = fields.Many2one("cs.property.handover", string="Inspection", readonly=True)
    unit_id = fields.Many2one("cs.property.unit", readonly=True)
    building_id = fields.Many2one("cs.property.building", readonly=True)
    estate_id = fields.Many2one("cs.property.estate", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    room = fields.Char(readonly=True)
    name = fields.Char(string="Item", readonly=True)
    category_id = fields.Many2one(
        "cs.property.repair.category", string="Warranty Class", readonly=True
    )
    responsible = fields.Selection(
        [("developer", "Developer"), ("contractor", "Contractor")],
        string="Responsible Party",
        readonly=True,
    )
    contractor_id = fields.Many2one("res.partner", string="Responsible Company", readonly=True)
    defect_count = fields.Integer(string="Defects", readonly=True)
    unit_count = fields.Integer(
        string="Units Inspected", readonly=True, help="Distinct units inspected in the group."
    )
    defects_per_100_units = fields.Float(
        string="Defects per 100 Units",
        readonly=True,
        digits=(16, 1),
        help="Defects of the group ÷ distinct units inspected in it × 100.",
    )

    def _query(self):
        return SQL(
            """
            SELECT l.id, l.handover_id, h.unit_id, l.building_id, l.estate_id, l.company_id,
                   l.room, l.name, l.category_id, l.responsible,
                   l.contractor_id,
                   CASE WHEN l.result = 'defect' THEN 1 ELSE 0 END AS defect_count,
                   1 AS unit_count,
                   CASE WHEN l.result = 'defect' THEN 100.0 ELSE 0.0 END
                       AS defects_per_100_units
              FROM cs_property_handover_line l
              JOIN cs_property_handover h ON h.id = l.handover_id
             WHERE h.previous_id IS NULL
               AND l.result != 'pending'
            """
        )

    def _read_group_select(self, aggregate_spec, query):
        # Units are counted once per group, and the ratio is taken on the group
        # so that the pivot's totals are right, not a sum of per-row figures.
        if aggregate_spec == "unit_count:sum":
            return SQL("COUNT(DISTINCT %s)", self._field_to_sql(self._table, "unit_id", query))
        if aggregate_spec == "defects_per_100_units:sum":
            return SQL(
                "ROUND(100.0 * SUM(%s) / NULLIF(COUNT(DISTINCT %s), 0), 1)",
                self._field_to_sql(self._table, "defect_count", query),
                self._field_to_sql(self._table, "unit_id", query),
            )
        return super()._read_group_select(aggregate_spec, query)
