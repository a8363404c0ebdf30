from odoo import api, fields, models
from odoo.addons.base.models.ir_sequence import _update_nogap
from odoo.exceptions import UserError


class CsPropertyTicketMixin(models.AbstractModel):
    """A numbered form raised for a customer about a unit or a common area of
    an estate (complaints, service orders, rework orders…).

    Gives the gap-free number (from the sequence ``_ticket_sequence_code``),
    the reception time, customer and phone, the location, the state guard used
    by every ``action_*`` button, and the rule that numbered forms are
    cancelled, never deleted.
    """

    _name = "cs.property.ticket.mixin"
    _description = "Numbered Customer Ticket"
    _inherit = ["cs.property.estate.mixin", "cs.property.workflow.mixin"]
    _order = "received_at desc, id desc"
    _check_company_auto = True
    _ticket_sequence_code = None

    name = fields.Char(
        string="Number", required=True, readonly=True, copy=False, default="/", index="trigram"
    )
    received_at = fields.Datetime(
        string="Received On", required=True, default=fields.Datetime.now, tracking=True
    )
    partner_id = fields.Many2one("res.partner", string="Customer", tracking=True, index=True)
    phone = fields.Char(compute="_compute_phone", store=True, readonly=False, precompute=True)
    unit_id = fields.Many2one(
        "cs.property.unit",
        tracking=True,
        index=True,
        # any unit while no estate is chosen: the unit then gives the estate
        domain="[('estate_id', '=?', estate_id)]",
    )
    building_id = fields.Many2one(
        related="unit_id.building_id", store=True, index=True, string="Building"
    )
    facility_id = fields.Many2one(
        "cs.property.facility",
        string="Common Area",
        tracking=True,
        domain="[('estate_id', '=?', estate_id)]",
    )

    _name_company_uniq = models.Constraint(
        "unique(company_id, name)", "The number of a form must be unique in its company."
    )

    def _ticket_label(self):
        """The model's name in the user's language, for messages."""
        return self.env["ir.model"]._get(self._name).name

    @api.depends("partner_id")
    def _compute_phone(self):
        for ticket in self:
            if ticket.partner_id.phone:
                ticket.phone = ticket.partner_id.phone

    @api.model_create_multi
    def create(self, vals_list):
        todo = [vals for vals in vals_list if vals.get("name", "/") == "/"]
        if len(todo) > 1:
            # an import or integration batch: numbers drawn together, one lock
            # and one update of the gap-free sequence per company
            estates = self.env["cs.property.estate"].browse(
                {vals["estate_id"] for vals in todo if vals.get("estate_id")}
            )
            company_of = {estate.id: estate.company_id for estate in estates}
            by_company = {}
            for vals in todo:
                company = company_of.get(vals.get("estate_id")) or self.env.company
                by_company.setdefault(company, []).append(vals)
            for company, group in by_company.items():
                numbers = self._next_ticket_numbers(company, len(group))
                for vals, number in zip(group, numbers, strict=False):
                    vals["name"] = number
        for vals in vals_list:
            if not vals.get("estate_id"):
                vals.update(self._estate_from_location(vals))
            if vals.get("name", "/") == "/":
                vals["name"] = self._next_ticket_number(vals)
        return super().create(vals_list)

    @api.model
    def _next_ticket_numbers(self, company, count):
        """``count`` consecutive numbers of a gap-free sequence at once; an
        empty list when the sequence is not a plain gap-free one (the numbers
        are then drawn one by one)."""
        Sequence = self.env["ir.sequence"].with_company(company)
        Sequence.browse().check_access("read")
        sequence = Sequence.search(
            [("code", "=", self._ticket_sequence_code), ("company_id", "in", [company.id, False])],
            order="company_id",
            limit=1,
        )
        if not sequence or sequence.implementation != "no_gap" or sequence.use_date_range:
            return []
        step = sequence.number_increment
        first = _update_nogap(sequence, step * count)
        return [sequence.get_next_char(first + step * i) for i in range(count)]

    @api.model
    def _next_ticket_number(self, vals):
        estate = self.env["cs.property.estate"].browse(vals.get("estate_id"))
        company = estate.company_id or self.env.company
        return (
            self.env["ir.sequence"].with_company(company).next_by_code(self._ticket_sequence_code)
            or "/"
        )

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(
            self.env._(
                "%(forms)s are numbered forms and cannot be deleted: cancel them.",
                forms=self._ticket_label(),
            )
        )

    @api.model
    def _estate_from_location(self, vals):
        """The estate of the unit or common area named in ``vals``, if any."""
        for field_name in ("unit_id", "facility_id"):
            if vals.get(field_name):
                location = self.env[self._fields[field_name].comodel_name].browse(vals[field_name])
                return {"estate_id": location.estate_id.id}
        return {}

    @api.onchange("unit_id")
    def _onchange_unit_id(self):
        if self.unit_id:
            self.estate_id = self.unit_id.estate_id
        if self.unit_id and not self.partner_id:
            self.partner_id = self.unit_id.primary_contact_id

    @api.onchange("facility_id")
    def _onchange_facility_id(self):
        if self.facility_id:
            self.estate_id = self.facility_id.estate_id

    @api.onchange("estate_id")
    def _onchange_estate_id(self):
        """Another estate: a unit or common area of the former one no longer fits."""
        if self.unit_id and self.unit_id.estate_id != self.estate_id:
            self.unit_id = False
        if self.facility_id and self.facility_id.estate_id != self.estate_id:
            self.facility_id = False

    def _check_state(self, allowed, action):
        """Guard of the workflow buttons: ``action`` is only possible in ``allowed``."""
        for ticket in self:
            if ticket.state not in allowed:
                raise UserError(
                    self.env._(
                        "%(form)s %(name)s is “%(state)s”: %(action)s is not possible now.",
                        form=self._ticket_label(),
                        name=ticket.name,
                        state=ticket._state_label(ticket.state),
                        action=action,
                    )
                )
