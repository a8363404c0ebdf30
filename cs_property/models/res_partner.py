from odoo import fields, models
from odoo.fields import Domain

PARTY_TYPES = [
    ("developer", "Developer"),
    ("contractor", "Contractor"),
    ("renovation", "Renovation Company"),
]


class ResPartner(models.Model):
    """Owners, tenants and residents are partners with occupancy lines; developers,
    contractors and renovation companies are partners with a party type."""

    _inherit = "res.partner"

    property_party_type = fields.Selection(
        PARTY_TYPES,
        string="Property Party Type",
        tracking=True,
        help="Role of an outside company in the estates' life: developer (开发商), "
        "contractor (施工单位) or renovation company (装修公司).",
    )
    property_employer = fields.Char(string="Employer", help="工作单位, kept in the owner file.")
    property_emergency_contact_id = fields.Many2one("res.partner", string="Emergency Contact")
    property_occupancy_ids = fields.One2many(
        "cs.property.occupancy",
        "partner_id",
        string="Occupancies",
        groups="cs_property.group_property_user,account.group_account_invoice",
    )
    property_unit_count = fields.Integer(
        string="Units",
        compute="_compute_property_unit_count",
        groups="cs_property.group_property_user,account.group_account_invoice",
    )

    def _compute_property_unit_count(self):
        """Distinct units, current or past, in one grouped query."""
        if not self.ids:
            self.property_unit_count = 0
            return
        groups = (
            self.env["cs.property.occupancy"]
            .with_context(active_test=False)
            ._read_group(
                [("partner_id", "in", self.ids)], ["partner_id"], ["unit_id:count_distinct"]
            )
        )
        counts = dict(groups)
        for partner in self:
            partner.property_unit_count = counts.get(partner, 0)

    complaint_count = fields.Integer(
        compute="_compute_complaint_count",
        groups="cs_property.group_property_user",
    )

    def _compute_complaint_count(self):
        counts = (
            dict(
                self.env["cs.property.complaint"]._read_group(
                    [("partner_id", "in", self.ids)], ["partner_id"], ["__count"]
                )
            )
            if self.ids
            else {}
        )
        for partner in self:
            partner.complaint_count = counts.get(partner, 0)

    def action_view_complaints(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "cs_property.action_cs_property_complaint"
        )
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"default_partner_id": self.id}
        return action

    def action_view_property_units(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "cs_property.action_cs_property_unit"
        )
        unit_ids = self.property_occupancy_ids.with_context(active_test=False).unit_id.ids
        action["domain"] = [("id", "in", unit_ids)]
        action["context"] = {"create": False}
        action["display_name"] = self.env._("Units of %(partner)s", partner=self.display_name)
        return action

    property_repair_count = fields.Integer(
        string="Service Orders",
        compute="_compute_property_repair_count",
        groups="cs_property.group_property_user",
    )
    property_is_party = fields.Boolean(
        string="Property Party",
        compute="_compute_property_is_party",
        search="_search_property_is_party",
        groups="cs_property.group_property_user,account.group_account_invoice",
        help="Owners, tenants and residents (with an occupancy) and the developers, "
        "contractors and renovation companies (with a party type).",
    )

    def _compute_property_repair_count(self):
        counts = (
            dict(
                self.env["cs.property.repair"]._read_group(
                    [("partner_id", "in", self.ids)], ["partner_id"], ["__count"]
                )
            )
            if self.ids
            else {}
        )
        for partner in self:
            partner.property_repair_count = counts.get(partner, 0)

    def action_view_property_repairs(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "cs_property.action_cs_property_repair"
        )
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"default_partner_id": self.id}
        return action

    def _compute_property_is_party(self):
        occupants = set()
        if self.ids:
            occupants = {
                partner.id
                for [partner] in self.env["cs.property.occupancy"]
                .with_context(active_test=False)
                ._read_group([("partner_id", "in", self.ids)], ["partner_id"])
            }
        for partner in self:
            partner.property_is_party = bool(partner.property_party_type or partner.id in occupants)

    def _search_property_is_party(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        occupancies = self.env["cs.property.occupancy"].with_context(active_test=False)._search([])
        domain = Domain("property_party_type", "!=", False) | Domain(
            "id", "in", occupancies.subselect("partner_id")
        )
        return domain if (operator == "=") == value else ~domain
