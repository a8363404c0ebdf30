from odoo import fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain

from .cs_property_unit import UNIT_STATES


class CsPropertyUnit(models.Model):
    """A unit shows “Under Renovation” while the works of its renovation run."""

    _inherit = "cs.property.unit"

    state = fields.Selection(
        selection_add=[("renovating", "Under Renovation")],
        ondelete={"renovating": "set default"},
    )


class CsPropertyRenovation(models.Model):
    """Who may apply for a unit's renovation, and the unit's status while the
    works run (装修管理办法: the owner of record, or the tenant with the
    owner's written consent)."""

    _inherit = "cs.property.renovation"

    unit_previous_state = fields.Selection(
        UNIT_STATES,
        string="Unit Status before the Works",
        readonly=True,
        copy=False,
        help="The unit shows “Under Renovation” while the works run and returns to this "
        "status once they pass the final acceptance.",
    )

    # ------------------------------------------------------------ applicant
    def _check_applicant(self, on_date):
        """The applicant is the unit's owner of record on ``on_date`` (the
        application date), or its tenant then with the owner's written consent
        attached; anyone else is refused with the reason."""
        Occupancy = self.env["cs.property.occupancy"].sudo()  # a lookup of the owner file
        lines = Occupancy.search(
            Domain("unit_id", "in", self.unit_id.ids)
            & Occupancy._current_domain(on_date)
            & Domain("role", "in", ("owner", "co_owner", "tenant"))
        )
        for reno in self:
            unit_lines = lines.filtered(lambda ln, r=reno: ln.unit_id == r.unit_id)
            owners = unit_lines.filtered(lambda ln: ln.role in ("owner", "co_owner")).partner_id
            tenants = unit_lines.filtered(lambda ln: ln.role == "tenant").partner_id
            partner = reno.partner_id
            if reno.applicant_role == "tenant":
                if partner not in tenants:
                    raise UserError(
                        self.env._(
                            "Renovation %(name)s: %(partner)s is not the tenant of unit "
                            "%(unit)s on %(date)s (tenant on record: %(tenant)s). Only the "
                            "owner of record, or the current tenant with the owner's written "
                            "consent, applies.",
                            name=reno.name,
                            partner=partner.name,
                            unit=reno.unit_id.display_name,
                            date=on_date,
                            tenant=", ".join(tenants.mapped("name")) or self.env._("none"),
                        )
                    )
                if not reno.owner_consent:
                    raise UserError(
                        self.env._(
                            "Renovation %(name)s: a tenant applies only with the owner's "
                            "written consent attached.",
                            name=reno.name,
                        )
                    )
            elif partner not in owners:
                raise UserError(
                    self.env._(
                        "Renovation %(name)s: %(partner)s is not the owner of record of unit "
                        "%(unit)s on %(date)s (owner of record: %(owner)s). Only the owner of "
                        "record, or the current tenant with the owner's written consent, "
                        "applies.",
                        name=reno.name,
                        partner=partner.name,
                        unit=reno.unit_id.display_name,
                        date=on_date,
                        owner=", ".join(owners.mapped("name")) or self.env._("none"),
                    )
                )
        return True

    # ------------------------------------------------------------ unit status
    def _unit_start_works(self):
        """The works start: the unit shows “Under Renovation”; its status
        before is kept to come back to."""
        for reno in self:
            unit = reno.unit_id.sudo()  # the unit's status follows the works, whoever runs them
            if unit.state != "renovating":
                reno.unit_previous_state = unit.state
                unit.state = "renovating"
        return True

    def _unit_end_works(self):
        """The works passed the final acceptance: the unit returns to its status
        before the works (unless someone changed it meanwhile)."""
        for reno in self:
            unit = reno.unit_id.sudo()
            if unit.state == "renovating":
                unit.state = reno.unit_previous_state or "occupied"
        return True
