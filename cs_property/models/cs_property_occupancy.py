from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Domain

OCCUPANCY_ROLES = [
    ("owner", "Owner of Record"),
    ("co_owner", "Co-owner"),
    ("tenant", "Tenant"),
    ("resident", "Resident / Family Member"),
]

# Roles of which a unit has at most one at any date: the owner of record
# (产权人) answers for the unit and its fees; a re-let unit has one lead tenant.
EXCLUSIVE_ROLES = ("owner", "tenant")


class CsPropertyOccupancy(models.Model):
    """Who is owner, tenant or resident of a unit, from when to when.

    Occupancy lines are never rewritten when a unit is sold or re-let: the old
    line gets an end date and a new line starts, so the owner file keeps its
    history (业主档案).
    """

    _name = "cs.property.occupancy"
    _description = "Unit Occupancy"
    _inherit = ["cs.property.estate.mixin", "mail.thread"]
    _order = "unit_id, date_start desc, id desc"
    _rec_name = "partner_id"

    unit_id = fields.Many2one(
        "cs.property.unit", required=True, index=True, ondelete="restrict", tracking=True
    )
    building_id = fields.Many2one(related="unit_id.building_id", store=True, index=True)
    estate_id = fields.Many2one(
        compute="_compute_estate_id", default=None, store=True, readonly=False, precompute=True
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Person",
        required=True,
        index=True,
        ondelete="restrict",
        tracking=True,
    )
    role = fields.Selection(OCCUPANCY_ROLES, required=True, default="owner", tracking=True)
    relationship = fields.Char(
        help="For residents: relationship to the owner or tenant, e.g. 配偶."
    )
    date_start = fields.Date(
        string="From", required=True, default=fields.Date.context_today, tracking=True
    )
    date_end = fields.Date(string="Until", tracking=True)
    is_primary_contact = fields.Boolean(
        string="Primary Contact",
        tracking=True,
        help="The person the office calls first about this unit.",
    )
    emergency_contact_id = fields.Many2one("res.partner", string="Emergency Contact", tracking=True)
    is_current = fields.Boolean(compute="_compute_is_current", search="_search_is_current")
    active = fields.Boolean(default=True)
    phone = fields.Char(related="partner_id.phone")
    note = fields.Text()

    _dates_idx = models.Index("(unit_id, role, date_start, date_end)")

    @api.depends("unit_id")
    def _compute_estate_id(self):
        for line in self:
            if line.unit_id:
                line.estate_id = line.unit_id.estate_id

    @api.model
    def _reference_date(self):
        """Today, or the date in context, so owner files can be read as of any day."""
        return fields.Date.to_date(self.env.context.get("date")) or fields.Date.context_today(self)

    @api.model
    def _current_domain(self, date=None):
        today = date or self._reference_date()
        return (
            Domain("date_start", "<=", today)
            & (Domain("date_end", "=", False) | Domain("date_end", ">=", today))
            & Domain("active", "=", True)
        )

    @api.depends("date_start", "date_end", "active")
    @api.depends_context("date")
    def _compute_is_current(self):
        today = self._reference_date()
        for line in self:
            line.is_current = bool(
                line.active
                and line.date_start
                and line.date_start <= today
                and (not line.date_end or line.date_end >= today)
            )

    def _search_is_current(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        domain = self._current_domain()
        return domain if (operator == "=") == value else ~domain

    @api.depends("partner_id", "unit_id", "role")
    def _compute_display_name(self):
        roles = dict(self._fields["role"]._description_selection(self.env))
        for line in self:
            line.display_name = self.env._(
                "%(partner)s (%(role)s, %(unit)s)",
                partner=line.partner_id.name or "",
                role=roles.get(line.role, ""),
                unit=line.unit_id.display_name or "",
            )

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for line in self:
            if line.date_end and line.date_end < line.date_start:
                raise ValidationError(
                    self.env._(
                        "Occupancy of %(partner)s in %(unit)s: the end date (%(end)s) "
                        "cannot be before the start date (%(start)s).",
                        partner=line.partner_id.name,
                        unit=line.unit_id.display_name,
                        end=line.date_end,
                        start=line.date_start,
                    )
                )

    def _overlapping_domain(self):
        """Lines of the same unit whose period overlaps this line's."""
        self.ensure_one()
        domain = (
            Domain("unit_id", "=", self.unit_id.id)
            & Domain("id", "!=", self.id)
            & (Domain("date_end", "=", False) | Domain("date_end", ">=", self.date_start))
        )
        if self.date_end:
            domain &= Domain("date_start", "<=", self.date_end)
        return domain

    @api.constrains(
        "unit_id", "partner_id", "role", "date_start", "date_end", "is_primary_contact", "active"
    )
    def _check_overlaps(self):
        roles = dict(self._fields["role"]._description_selection(self.env))
        for line in self.filtered("active"):
            overlapping = self.sudo().search(line._overlapping_domain()).sudo(False)
            if line.role in EXCLUSIVE_ROLES:
                clash = overlapping.filtered(lambda o, line=line: o.role == line.role)
                if clash:
                    raise ValidationError(
                        self.env._(
                            "Unit %(unit)s already has %(partner)s as %(role)s from "
                            "%(start)s: end that occupancy before %(new)s can become %(role)s.",
                            unit=line.unit_id.display_name,
                            partner=clash[0].partner_id.name,
                            role=roles[line.role],
                            start=clash[0].date_start,
                            new=line.partner_id.name,
                        )
                    )
            if overlapping.filtered(
                lambda o, line=line: o.partner_id == line.partner_id and o.role == line.role
            ):
                raise ValidationError(
                    self.env._(
                        "%(partner)s is already recorded as %(role)s of unit %(unit)s "
                        "for an overlapping period.",
                        partner=line.partner_id.name,
                        role=roles[line.role],
                        unit=line.unit_id.display_name,
                    )
                )
            if line.is_primary_contact and overlapping.filtered("is_primary_contact"):
                raise ValidationError(
                    self.env._(
                        "Unit %(unit)s already has a primary contact for this period: "
                        "a unit has one primary contact at a time.",
                        unit=line.unit_id.display_name,
                    )
                )

    def action_end(self, date=None):
        """End the occupancy (sale, move-out, end of lease) and keep it as history."""
        end = date or fields.Date.context_today(self)
        for line in self:
            if line.date_end and line.date_end <= end:
                continue
            line.date_end = max(end, line.date_start)
        return True

    @api.ondelete(at_uninstall=False)
    def _unlink_except_history(self):
        raise UserError(
            self.env._(
                "Occupancy lines are the unit's history and cannot be deleted: "
                "set an end date, or archive a line entered by mistake."
            )
        )
