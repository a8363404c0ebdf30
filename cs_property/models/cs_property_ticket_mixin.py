import uuid

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

# the provisional name of a form until its number is drawn, in the last step
# of its creation; never committed
PENDING_PREFIX = "CS-PENDING-"


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
        """Forms are created under a provisional name and numbered in the last
        step of the creation (``_ticket_assign_numbers``): the gap-free
        numbering stays locked from the number to the commit (other desks
        queue for it, see ``ir.sequence._cs_update_nogap``), so the less work
        comes after the number, the less they wait. The
        last step is the end of the whole creation, automation rules included
        (``base.automation._register_hook`` wraps ``create``); a form created
        without that wrapper is numbered here, and a form whose wrapper runs
        further out at the latest when the transaction is committed."""
        pending = []
        for vals in vals_list:
            if not vals.get("estate_id"):
                vals.update(self._estate_from_location(vals))
            if vals.get("name", "/") == "/":
                vals["name"] = f"{PENDING_PREFIX}{uuid.uuid4().hex[:16]}"
                pending.append(vals["name"])
        records = super().create(vals_list)
        if pending:
            todo = records.filtered(lambda r: r.name.startswith(PENDING_PREFIX))
            if self.env.context.get("cs_number_later") == self._name:
                todo._ticket_number_at_commit()
            else:
                todo._ticket_assign_numbers()
        return records

    def _ticket_number_at_commit(self):
        """Safety net: forms still provisional when the transaction commits
        get their number then."""
        data = self.env.cr.precommit.data.setdefault("cs_ticket_pending", {})
        if not data:

            @self.env.cr.precommit.add
            def _number_pending():
                pending = self.env.cr.precommit.data.pop("cs_ticket_pending", {})
                for model, ids in pending.items():
                    records = self.env[model].sudo().browse(ids).exists()
                    todo = records.filtered(lambda r: r.name.startswith(PENDING_PREFIX))
                    if todo:
                        todo._ticket_assign_numbers()

        data.setdefault(self._name, set()).update(self.ids)

    def _ticket_assign_numbers(self):
        """The last step of a creation: draw the gap-free numbers of the forms
        still under a provisional name (one lock and one update of the
        sequence per company) and put them wherever the provisional name was
        written meanwhile (the record, its chatter, activities and mails)."""
        todo = self.filtered(lambda r: r.name and r.name.startswith(PENDING_PREFIX))
        if not todo:
            return
        self.env.flush_all()
        numbers = {}
        for company, group in todo.grouped("company_id").items():
            drawn = self._next_ticket_numbers(company or self.env.company, len(group))
            if not drawn:
                drawn = [self._next_ticket_number({"estate_id": r.estate_id.id}) for r in group]
            for record, number in zip(group, drawn, strict=True):
                numbers[record.id] = (record.name, number)
        self._ticket_write_numbers(numbers)

    def _ticket_write_numbers(self, numbers):
        """Replace each provisional name by its number, in one statement per table."""
        cr = self.env.cr
        values = SQL(", ").join(
            SQL("(%s, %s, %s)", rec_id, old, new) for rec_id, (old, new) in numbers.items()
        )
        table = SQL.identifier(self._table)
        cr.execute(
            SQL(
                "UPDATE %s t SET name = v.new FROM (VALUES %s) v(id, old, new) WHERE t.id = v.id",
                table,
                values,
            )
        )
        # the provisional name also sits in the chatter, the activities and the
        # mails already queued: the same replacement in each
        for table, columns, join in (
            ("mail_message", ("subject", "body"), "t.model = %s AND t.res_id = v.id"),
            ("mail_activity", ("summary", "res_name"), "t.res_model = %s AND t.res_id = v.id"),
            (
                "mail_mail",
                ("body_html",),
                "t.mail_message_id IN (SELECT m.id FROM mail_message m"
                " WHERE m.model = %s AND m.res_id = v.id)",
            ),
        ):
            sets = SQL(", ").join(
                SQL("%s = replace(t.%s, v.old, v.new)", SQL.identifier(c), SQL.identifier(c))
                for c in columns
            )
            cr.execute(
                SQL(
                    "UPDATE %s t SET %s FROM (VALUES %s) v(id, old, new) WHERE " + join,
                    SQL.identifier(table),
                    sets,
                    values,
                    self._name,
                )
            )
        records = self.browse(list(numbers))
        records.invalidate_recordset(["name"])
        records.modified(["name"])
        for model in ("mail.message", "mail.activity", "mail.mail"):
            self.env[model].invalidate_model()

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
        first = sequence.sudo()._cs_update_nogap(step * count)
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
