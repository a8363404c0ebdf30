from odoo import api, fields, models
from odoo.exceptions import UserError


class CsPropertyEstate(models.Model):
    """An estate (小区/项目) run by one management office (管理处)."""

    _name = "cs.property.estate"
    _description = "Estate"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "sequence, name, id"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True, translate=False)
    code = fields.Char(
        required=True,
        tracking=True,
        help="Short code used in ticket and form numbers, e.g. CH for 翠湖花园.",
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
        tracking=True,
    )
    office_name = fields.Char(string="Management Office", tracking=True)
    office_phone = fields.Char(string="Office Phone")
    manager_id = fields.Many2one(
        "res.users",
        string="Project Manager",
        tracking=True,
        domain="[('share', '=', False)]",
    )
    street = fields.Char()
    street2 = fields.Char()
    city = fields.Char()
    state_id = fields.Many2one(
        "res.country.state",
        string="Province",
        domain="[('country_id', '=?', country_id)]",
    )
    zip = fields.Char()
    country_id = fields.Many2one("res.country")
    resource_calendar_id = fields.Many2one(
        "resource.calendar",
        string="Working Hours",
        required=True,
        default=lambda self: self.env.company.resource_calendar_id,
        check_company=True,
        help="Calendar on which deadlines of this estate's tickets are counted "
        "(working days and public holidays).",
    )
    user_ids = fields.Many2many(
        "res.users",
        "cs_property_estate_res_users_rel",
        "estate_id",
        "user_id",
        string="Assigned Staff",
        domain="[('share', '=', False)]",
        help="Staff who work in this estate. Agents, technicians and inspectors "
        "only see the estates they are assigned to; team members are assigned "
        "automatically.",
    )
    building_ids = fields.One2many("cs.property.building", "estate_id", string="Buildings")
    facility_ids = fields.One2many("cs.property.facility", "estate_id", string="Common Areas")
    team_ids = fields.One2many("cs.property.team", "estate_id", string="Teams")
    building_count = fields.Integer(compute="_compute_counts")
    unit_count = fields.Integer(compute="_compute_counts")
    facility_count = fields.Integer(compute="_compute_counts")
    total_gross_area = fields.Float(
        string="Total Gross Area (m²)", compute="_compute_counts", digits="Product Unit"
    )
    note = fields.Html()
    analytic_account_id = fields.Many2one(
        "account.analytic.account",
        string="Analytic Account",
        copy=False,
        check_company=True,
        help="Charges of this estate (repairs, renovation fees) are booked on it; "
        "created on the first invoice when empty.",
    )

    _code_company_uniq = models.Constraint(
        "unique(company_id, code)",
        "The estate code must be unique within a company.",
    )

    def _compute_counts(self):
        """One grouped query per related model for the whole recordset."""
        domain = [("estate_id", "in", self.ids)]
        buildings = dict(
            self.env["cs.property.building"]._read_group(domain, ["estate_id"], ["__count"])
        )
        units = {
            estate: (count, area)
            for estate, count, area in self.env["cs.property.unit"]._read_group(
                domain, ["estate_id"], ["__count", "gross_area:sum"]
            )
        }
        facilities = dict(
            self.env["cs.property.facility"]._read_group(domain, ["estate_id"], ["__count"])
        )
        for estate in self:
            estate.building_count = buildings.get(estate, 0)
            estate.unit_count, estate.total_gross_area = units.get(estate, (0, 0.0))
            estate.facility_count = facilities.get(estate, 0)

    @api.depends("name", "code")
    def _compute_display_name(self):
        for estate in self:
            estate.display_name = estate.name or ""

    @api.ondelete(at_uninstall=False)
    def _unlink_except_with_buildings(self):
        if (
            self.env["cs.property.building"]
            .with_context(active_test=False)
            .search_count([("estate_id", "in", self.ids)], limit=1)
        ):
            raise UserError(
                self.env._("An estate that has buildings cannot be deleted: archive it instead.")
            )

    def _action_open_related(self, model, name):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            f"cs_property.action_{model.replace('.', '_')}"
        )
        action["domain"] = [("estate_id", "=", self.id)]
        action["context"] = {"default_estate_id": self.id}
        action["display_name"] = name
        return action

    def action_view_buildings(self):
        return self._action_open_related("cs.property.building", self.env._("Buildings"))

    def action_view_units(self):
        return self._action_open_related("cs.property.unit", self.env._("Units"))

    def action_view_facilities(self):
        return self._action_open_related("cs.property.facility", self.env._("Common Areas"))

    def _analytic_account(self):
        """The estate's analytic account, created in the "Estates" plan on first use."""
        self.ensure_one()
        if not self.analytic_account_id:
            plan = self.env.ref("cs_property.analytic_plan_estates", raise_if_not_found=False)
            if not plan:
                plan = self.env["account.analytic.plan"].sudo().create({"name": "Estates"})
            self.sudo().analytic_account_id = (
                self.env["account.analytic.account"]
                .sudo()
                .create(
                    {
                        "name": self.name,
                        "code": self.code,
                        "plan_id": plan.id,
                        "company_id": self.company_id.id,
                    }
                )
            )
        return self.analytic_account_id

    def _cs_managers(self):
        """Who a complaint escalates to at the top: the project manager and the
        CS managers assigned to the estate."""
        manager_group = self.env.ref("cs_property.group_property_manager")
        users = self.manager_id | self.user_ids.filtered(lambda u: manager_group in u.all_group_ids)
        return users.filtered("active")

    def _team_of_type(self, team_type):
        self.ensure_one()
        return self.team_ids.filtered(lambda t: t.team_type == team_type and t.active)[:1]

    complaint_count = fields.Integer(compute="_compute_ticket_counts")
    repair_count = fields.Integer(string="Service Orders", compute="_compute_ticket_counts")

    def _compute_ticket_counts(self):
        """Two grouped queries for all estates shown, not two per estate."""
        counts = {}
        for model in ("cs.property.complaint", "cs.property.repair"):
            counts[model] = (
                dict(
                    self.env[model]._read_group(
                        [("estate_id", "in", self.ids)], ["estate_id"], ["__count"]
                    )
                )
                if self.ids
                else {}
            )
        for estate in self:
            estate.complaint_count = counts["cs.property.complaint"].get(estate, 0)
            estate.repair_count = counts["cs.property.repair"].get(estate, 0)

    def action_view_complaints(self):
        return self._action_open_related("cs.property.complaint", self.env._("Complaints"))

    def action_view_repairs(self):
        return self._action_open_related("cs.property.repair", self.env._("Service Orders"))
