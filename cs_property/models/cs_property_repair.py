from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Command
from odoo.tools import SQL, formatLang

from .cs_property_workflow_guard import AGENT, FINANCE

STATES = [
    ("new", "Received"),
    ("dispatched", "Dispatched"),
    ("in_progress", "On Site"),
    ("done", "Done"),
    ("closed", "Closed"),
    ("cancelled", "Cancelled"),
]
CHANNELS = [
    ("phone", "Phone"),
    ("visit", "Visit"),
    ("portal", "Portal"),
    ("patrol", "Found on Patrol"),
    ("complaint", "From a Complaint"),
]
CHARGE_TO = [
    ("none", "Free of Charge"),
    ("customer", "Customer"),
    ("developer", "Developer (charge-back)"),
]
CONSENT = [
    ("not_needed", "Not Needed"),
    ("pending", "Waiting for Consent"),
    ("given", "Consent Given"),
    ("refused", "Consent Refused"),
]
REPEAT_DAYS_PARAM = "cs_property.repair_repeat_days"
BUSY_STATES = ("in_progress",)


class CsPropertyRepair(models.Model):
    """A repair request and its service order (报修 / 服务单), 002 5.2, 003 ch.2."""

    _name = "cs.property.repair"
    _description = "Service Order"

    # who runs each step, and what freezes when (workflow mixin, README)
    _workflow_step_roles = {
        "action_consent_given": (AGENT,),
        "action_consent_refused": (AGENT,),
        "action_dispatch": (AGENT, "team_leader"),
        "action_redispatch": (AGENT, "team_leader"),
        "action_arrive": (AGENT, "technician"),
        "action_done": (AGENT, "technician"),
        "action_open_reschedule": (AGENT, "technician"),
        "action_close": (AGENT,),
        "action_cancel": (AGENT,),
        "action_create_invoice": (AGENT, FINANCE),
        "action_view_invoice": (AGENT, FINANCE),
        "action_log_callback": (AGENT,),
        "action_convert_to_rework": (AGENT,),
        "action_view_rework": ("any",),
    }
    _workflow_locked_fields = {
        ("closed", "cancelled"): "__all__",
    }
    _workflow_lock_exempt = ("invoice_id", "rework_id")

    def _role_technician(self):
        return self.technician_id == self.env.user

    def _role_team_leader(self):
        # membership lookup only: the team may sit in another estate
        return self.sudo().team_id.leader_id == self.env.user

    def _workflow_role_label(self, token):
        if token == "technician":
            return self.env._("the assigned technician")
        if token == "team_leader":
            return self.env._("the team leader")
        return super()._workflow_role_label(token)

    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "cs.property.ticket.mixin",
        "cs.property.sla.mixin",
        "cs.property.callback.mixin",
    ]
    _ticket_sequence_code = "cs.property.repair"

    state = fields.Selection(
        STATES,
        required=True,
        default="new",
        tracking=True,
        index=True,
        copy=False,
        group_expand="_read_group_all_states",
    )
    estate_id = fields.Many2one(tracking=True)
    channel = fields.Selection(CHANNELS, required=True, default="phone")
    complaint_id = fields.Many2one(
        "cs.property.complaint", string="Complaint", index="btree_not_null", copy=False
    )
    category_id = fields.Many2one(
        "cs.property.repair.category", required=True, tracking=True, index=True
    )
    urgency = fields.Selection(
        [("normal", "Normal"), ("emergency", "Emergency")],
        required=True,
        default="normal",
        tracking=True,
        index=True,
        help="Emergency: on site within 15 minutes; normal: within 30 minutes or at "
        "the appointment agreed with the customer.",
    )
    description = fields.Text(string="Fault Description", required=True)
    appointment_start = fields.Datetime(string="Appointment", tracking=True)
    appointment_end = fields.Datetime(string="Appointment End")
    # warranty and payer
    in_warranty = fields.Boolean(
        compute="_compute_in_warranty",
        store=True,
        precompute=True,
        tracking=True,
        string="In Warranty",
    )
    warranty_end = fields.Date(compute="_compute_in_warranty", store=True, precompute=True)
    charge_to = fields.Selection(
        CHARGE_TO,
        compute="_compute_charge_to",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
        required=True,
    )
    payer_id = fields.Many2one(
        "res.partner", compute="_compute_payer_id", store=True, string="Invoiced to"
    )
    consent_state = fields.Selection(
        CONSENT, compute="_compute_consent_state", store=True, readonly=False, tracking=True
    )
    consent_at = fields.Datetime(readonly=True, copy=False)
    consent_amount = fields.Monetary(
        string="Amount Consented",
        readonly=True,
        copy=False,
        tracking=True,
        help="Total the customer consented to; charges above it need a new consent.",
    )
    # dispatch and execution
    team_id = fields.Many2one(
        "cs.property.team",
        tracking=True,
        index=True,
        domain="[('estate_id', '=', estate_id)]",
        compute="_compute_team_id",
        store=True,
        readonly=False,
        precompute=True,
    )
    technician_id = fields.Many2one(
        "res.users", tracking=True, index=True, domain="[('share', '=', False)]"
    )
    dispatched_at = fields.Datetime(readonly=True, copy=False)
    arrived_at = fields.Datetime(readonly=True, copy=False)
    finished_at = fields.Datetime(readonly=True, copy=False)
    labour_hours = fields.Float(tracking=True)
    reschedule_count = fields.Integer(readonly=True, copy=False)
    work_done = fields.Text()
    photo_before_ids = fields.Many2many(
        "ir.attachment", "cs_property_repair_photo_before_rel", string="Photos Before"
    )
    photo_after_ids = fields.Many2many(
        "ir.attachment", "cs_property_repair_photo_after_rel", string="Photos After"
    )
    signature = fields.Image(max_width=1024, max_height=1024, copy=False, attachment=True)
    customer_comment = fields.Text(copy=False)
    is_repeat = fields.Boolean(
        compute="_compute_is_repeat", store=True, index=True, string="Repeat Fault"
    )
    first_time_fix = fields.Boolean(compute="_compute_kpis", store=True, aggregator="bool_and")
    first_time_fix_rate = fields.Float(
        string="First-Time Fix (%)",
        compute="_compute_kpis",
        store=True,
        aggregator="avg",
        help="100 for an order fixed at the first visit, 0 otherwise: averaged in reports.",
    )
    satisfaction_score = fields.Float(
        string="Satisfaction (1-5)",
        compute="_compute_satisfaction_score",
        store=True,
        aggregator="avg",
        help="Average score of the last callback that reached the customer.",
    )
    arrival_minutes = fields.Float(compute="_compute_kpis", store=True, aggregator="avg")
    completion_hours = fields.Float(compute="_compute_kpis", store=True, aggregator="avg")
    # money
    line_ids = fields.One2many("cs.property.repair.line", "repair_id", string="Charges", copy=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount_untaxed = fields.Monetary(compute="_compute_amounts", store=True)
    amount_total = fields.Monetary(compute="_compute_amounts", store=True)
    invoice_id = fields.Many2one("account.move", readonly=True, copy=False, index=True)
    payment_state = fields.Selection(related="invoice_id.payment_state", string="Payment")
    cancel_reason = fields.Char(copy=False)

    _repeat_idx = models.Index("(unit_id, category_id, finished_at)")

    # ------------------------------------------------------------ computes
    @api.depends("unit_id.warranty_start_date", "category_id.warranty_months", "received_at")
    def _compute_in_warranty(self):
        for order in self:
            start = order.unit_id.warranty_start_date
            months = order.category_id.warranty_months
            if start and months:
                order.warranty_end = start + relativedelta(months=months)
                order.in_warranty = order.received_at.date() < order.warranty_end
            else:
                order.warranty_end = False
                order.in_warranty = False

    @api.depends("in_warranty", "facility_id", "unit_id")
    def _compute_charge_to(self):
        for order in self:
            if order.charge_to == "developer":
                continue
            common_area = order.facility_id and not order.unit_id
            order.charge_to = "none" if common_area or order.in_warranty else "customer"

    @api.depends("charge_to", "partner_id", "unit_id.building_id.developer_id")
    def _compute_payer_id(self):
        for order in self:
            if order.charge_to == "customer":
                order.payer_id = order.partner_id
            elif order.charge_to == "developer":
                order.payer_id = (
                    order.unit_id.building_id.developer_id
                    or order.facility_id.building_id.developer_id
                )
            else:
                order.payer_id = False

    @api.depends("charge_to", "amount_total", "consent_amount")
    def _compute_consent_state(self):
        for order in self:
            if order.charge_to != "customer":
                order.consent_state = "not_needed"
            elif order.consent_state in (False, "not_needed"):
                order.consent_state = "pending"
            elif (
                order.consent_state == "given"
                and order.currency_id.compare_amounts(order.amount_total, order.consent_amount) > 0
            ):
                # the charges grew beyond what the customer accepted: ask again
                order.consent_state = "pending"

    @api.depends("category_id", "estate_id")
    def _compute_team_id(self):
        """The team is proposed from the category (as complaints do)."""
        for order in self:
            team_type = order.category_id.team_type
            if not team_type or not order.estate_id:
                continue
            if order.team_id.team_type == team_type and order.team_id.estate_id == order.estate_id:
                continue
            order.team_id = order.estate_id._team_of_type(team_type) or order.team_id

    @api.depends("line_ids.price_subtotal", "line_ids.price_total")
    def _compute_amounts(self):
        for order in self:
            order.amount_untaxed = sum(order.line_ids.mapped("price_subtotal"))
            order.amount_total = sum(order.line_ids.mapped("price_total"))

    @api.depends(
        "received_at", "arrived_at", "finished_at", "reschedule_count", "appointment_start"
    )
    def _compute_kpis(self):
        for order in self:
            reference = max(order.received_at, order.appointment_start or order.received_at)
            order.arrival_minutes = (
                (order.arrived_at - reference).total_seconds() / 60 if order.arrived_at else 0.0
            )
            order.completion_hours = (
                (order.finished_at - order.received_at).total_seconds() / 3600
                if order.finished_at
                else 0.0
            )
            order.first_time_fix = bool(order.finished_at) and not order.reschedule_count
            order.first_time_fix_rate = 100.0 if order.first_time_fix else 0.0

    @api.depends("callback_ids.score_average", "callback_ids.reached", "callback_ids.date")
    def _compute_satisfaction_score(self):
        for order in self:
            reached = order.callback_ids.filtered("reached").sorted("date")
            order.satisfaction_score = reached[-1:].score_average

    @api.depends("unit_id", "category_id", "received_at")
    def _compute_is_repeat(self):
        """Same unit and category finished within the repeat window: one search
        for the whole batch."""
        days = int(self.env["ir.config_parameter"].sudo().get_param(REPEAT_DAYS_PARAM, 30))
        candidates = self.filtered(lambda o: o.unit_id and o.category_id and o.received_at)
        self.is_repeat = False
        if not candidates:
            return
        earliest = min(candidates.mapped("received_at")) - timedelta(days=days)
        previous = (
            self.env["cs.property.repair"]
            .sudo()
            .search(
                [
                    ("unit_id", "in", candidates.unit_id.ids),
                    ("category_id", "in", candidates.category_id.ids),
                    ("finished_at", ">=", earliest),
                    ("state", "in", ("done", "closed")),
                ]
            )
        )
        finished = {}
        for prev in previous:
            finished.setdefault((prev.unit_id.id, prev.category_id.id), []).append(prev)
        for order in candidates:
            window_start = order.received_at - timedelta(days=days)
            order.is_repeat = any(
                prev.id != order.id and window_start <= prev.finished_at <= order.received_at
                for prev in finished.get((order.unit_id.id, order.category_id.id), [])
            )

    # ------------------------------------------------------------ checks
    @api.constrains("unit_id", "facility_id")
    def _check_location(self):
        for order in self:
            if not order.unit_id and not order.facility_id:
                raise ValidationError(
                    self.env._(
                        "Service order %(name)s: say where the fault is: give the unit or "
                        "the common area.",
                        name=order.name,
                    )
                )

    @api.constrains("charge_to", "unit_id", "facility_id", "partner_id")
    def _check_payer(self):
        # an order without a place gets the location message, not a payer one
        self.filtered(lambda o: not o.unit_id and not o.facility_id)._check_location()
        for order in self:
            if order.charge_to == "customer" and not order.unit_id:
                raise ValidationError(
                    self.env._(
                        "Service order %(name)s: repairs of common areas are not billed "
                        "to an owner.",
                        name=order.name,
                    )
                )
            if order.charge_to == "customer" and not order.partner_id:
                raise ValidationError(
                    self.env._(
                        "Service order %(name)s: a paid order needs the customer.",
                        name=order.name,
                    )
                )
            if order.charge_to == "developer" and not order.payer_id:
                raise ValidationError(
                    self.env._(
                        "Service order %(name)s: the building has no developer to charge back.",
                        name=order.name,
                    )
                )

    @api.constrains("appointment_start", "appointment_end")
    def _check_appointment(self):
        for order in self:
            if (
                order.appointment_start
                and order.appointment_end
                and order.appointment_end <= order.appointment_start
            ):
                raise ValidationError(
                    self.env._(
                        "Service order %(name)s: the appointment must end after it starts.",
                        name=order.name,
                    )
                )

    @api.constrains("labour_hours")
    def _check_labour_hours(self):
        for order in self:
            if order.labour_hours < 0:
                raise ValidationError(
                    self.env._(
                        "Service order %(name)s: labour hours cannot be negative.",
                        name=order.name,
                    )
                )

    def _check_consent_covers_charges(self, action):
        pending = self.filtered(
            lambda o: o.charge_to == "customer" and o.consent_state == "pending"
        )
        for order in pending:
            if not order.consent_at:
                raise UserError(
                    self.env._(
                        "Service order %(name)s: record the customer's consent to the "
                        "charges before %(action)s.",
                        name=order.name,
                        action=action,
                    )
                )
            raise UserError(
                self.env._(
                    "Service order %(name)s: the charges (%(amount)s) are above what the "
                    "customer consented to (%(consented)s); record the customer's consent "
                    "again before %(action)s.",
                    name=order.name,
                    amount=formatLang(self.env, order.amount_total, currency_obj=order.currency_id),
                    consented=formatLang(
                        self.env, order.consent_amount, currency_obj=order.currency_id
                    ),
                    action=action,
                )
            )

    def _invoice_sudo(self):
        """The invoice read with a narrow sudo: agents create and cancel
        orders without accounting rights, yet must get the business answer
        (already invoiced, credit note first) instead of an access error on
        the journal entry. Only its name and states are read through it."""
        self.ensure_one()
        return self.invoice_id.sudo()

    def _check_not_invoiced(self):
        invoiced = self.filtered("invoice_id")
        if invoiced:
            raise UserError(
                self.env._(
                    "Service order %(name)s is invoiced: its charges can no longer change.",
                    name=invoiced[0].name,
                )
            )

    # ------------------------------------------------------------ ORM
    @api.model_create_multi
    def create(self, vals_list):
        orders = super().create(vals_list)
        # one subscription per creator, not per order (imports, integrations)
        for partner, group in orders.grouped(lambda o: o.create_uid.partner_id).items():
            group.message_subscribe(partner_ids=partner.ids)
        orders._activity_step_dispatch()
        return orders

    def write(self, vals):
        protected = {"charge_to", "line_ids", "partner_id"} & set(vals)
        if protected and not self.env.su:
            self.filtered("invoice_id")._check_not_invoiced()
        return super().write(vals)

    @api.onchange("category_id", "charge_to")
    def _onchange_category_id(self):
        product = self.category_id.product_id
        if product and self.charge_to != "none" and not self.line_ids:
            self.line_ids = [Command.create({"product_id": product.id})]

    # ------------------------------------------------------------ consent
    def action_consent_given(self):
        """The customer accepts the quote: the amount accepted is recorded, so
        charges growing above it need a new consent."""
        self._check_state(
            ("new", "dispatched", "in_progress", "done"), self.env._("recording consent")
        )
        for order in self:
            if order.consent_state != "pending":
                raise UserError(
                    self.env._("Service order %(name)s does not wait for consent.", name=order.name)
                )
        now = fields.Datetime.now()
        for order in self:
            order.write(
                {
                    "consent_state": "given",
                    "consent_at": now,
                    "consent_amount": order.amount_total,
                }
            )
        return True

    def action_consent_refused(self):
        """The customer does not accept the quote: the order closes without work."""
        self._check_state(("new", "dispatched"), self.env._("recording a refusal"))
        self._set_state(
            "cancelled",
            {
                "consent_state": "refused",
                "cancel_reason": self.env._("Customer refused the quote"),
            },
        )
        return True

    # ------------------------------------------------------------ dispatch
    def action_dispatch(self):
        """Assign to the chosen technician, or to the next one in the team's rotation."""
        self._check_state(("new",), self.env._("dispatching"))
        for order in self:
            if not order.team_id:
                raise UserError(
                    self.env._(
                        "Service order %(name)s: choose the team to dispatch to.", name=order.name
                    )
                )
            technician = order.technician_id or order._next_technician()
            if not technician:
                raise UserError(
                    self.env._(
                        "Service order %(name)s: no technician of %(team)s is free with the "
                        "skill “%(skill)s”; assign one by hand or reschedule.",
                        name=order.name,
                        team=order.team_id.display_name,
                        skill=order.category_id.skill_id.name or "-",
                    )
                )
            order._set_state(
                "dispatched",
                {"technician_id": technician.id, "dispatched_at": fields.Datetime.now()},
            )
            order.message_subscribe(partner_ids=technician.partner_id.ids)
        self._activity_step_done("dispatch")
        self._activity_step_repair()

        return True

    def _activity_step_repair(self):
        """The technician's step, from dispatch to the finished work; a new
        technician takes the activity over."""
        self._activity_step(
            "repair",
            lambda r: r.technician_id,
            lambda r: r.env._("Repair %(name)s", name=r.name),
            deadline=lambda r: (
                r.appointment_start and fields.Date.context_today(r, r.appointment_start)
            ),
        )

    def _activity_step_dispatch(self):
        """Orders waiting for dispatch: the team leader (else the agent who
        took the call) dispatches them."""
        self.filtered(lambda o: o.state == "new")._activity_step(
            "dispatch",
            lambda r: r.team_id.leader_id or r.create_uid,
            lambda r: r.env._("Dispatch service order %(name)s", name=r.name),
        )

    def _next_technician(self):
        """Fair rotation (002 5.2): the member whose turn is oldest gets the job;
        members without the skill or busy on site are skipped and keep their
        turn. Rows are locked so two dispatchers cannot pick the same turn."""
        self.ensure_one()
        members = self.team_id.member_ids.filtered("active")
        if not members:
            return self.env["res.users"]
        self.env.cr.execute(
            "SELECT id FROM cs_property_team_member WHERE id IN %s FOR UPDATE",
            [tuple(members.ids)],
        )
        members.invalidate_recordset(["last_dispatch_turn"])
        busy = set(
            self.env["cs.property.repair"]
            .sudo()
            .search([("technician_id", "in", members.user_id.ids), ("state", "in", BUSY_STATES)])
            .technician_id.ids
        )
        skill = self.category_id.skill_id
        eligible = members.filtered(
            lambda m: m.user_id.id not in busy and (not skill or skill in m.skill_ids)
        )
        if not eligible:
            return self.env["res.users"]
        chosen = eligible.sorted(lambda m: (m.last_dispatch_turn, m.sequence, m.id))[0]
        chosen.sudo().last_dispatch_turn = max(members.mapped("last_dispatch_turn")) + 1
        return chosen.user_id

    def _set_state(self, state, vals=None):
        """A move into a busy state (arriving on site) touches the team-member
        rows of the technician, the rows ``_next_technician`` locks: a
        dispatch running at the same moment either waits and then retries on
        fresh data (the technician is busy), or came first and the move waits
        for it. No dispatch goes to a technician who is already on site."""
        if state in BUSY_STATES:
            technicians = self.technician_id
            if vals and vals.get("technician_id"):
                technicians |= self.env["res.users"].browse(vals["technician_id"])
            if technicians:
                self.env.cr.execute(
                    SQL(
                        "UPDATE cs_property_team_member SET write_date = %s WHERE user_id IN %s",
                        fields.Datetime.now(),
                        tuple(technicians.ids),
                    )
                )
                self.env["cs.property.team.member"].invalidate_model(["write_date"])
        return super()._set_state(state, vals)

    def action_redispatch(self):
        """Take the job back from its technician and dispatch it again."""
        self._check_state(("dispatched",), self.env._("dispatching again"))
        previous = {order: order.technician_id for order in self}
        self._set_state("new", {"technician_id": False})
        self._activity_step_dispatch()
        for order in self:
            order.message_post(
                body=self.env._(
                    "Taken back from %(user)s to dispatch again.",
                    user=previous[order].name,
                )
            )
        return True

    # ------------------------------------------------------------ execution
    def action_arrive(self):
        self._check_state(("dispatched",), self.env._("arriving on site"))
        for order in self:
            if order.consent_state == "pending" and order.urgency != "emergency":
                raise UserError(
                    self.env._(
                        "Service order %(name)s: paid work starts only after the customer "
                        "consents to the quote.",
                        name=order.name,
                    )
                )
        self._set_state("in_progress", {"arrived_at": fields.Datetime.now()})
        return True

    def action_done(self):
        """Finished and signed off by the customer (emergencies: paperwork after)."""
        self._check_state(("in_progress",), self.env._("finishing"))
        for order in self:
            if not order.signature and not order.customer_comment:
                raise UserError(
                    self.env._(
                        "Service order %(name)s: get the customer's signature or comment "
                        "before finishing.",
                        name=order.name,
                    )
                )
            if order.charge_to != "none" and not order.line_ids:
                raise UserError(
                    self.env._(
                        "Service order %(name)s: a charged order needs its labour and "
                        "material lines.",
                        name=order.name,
                    )
                )
            if order.consent_state == "pending" and not order.consent_at:
                raise UserError(
                    self.env._(
                        "Service order %(name)s: record the customer's consent to the "
                        "charges before finishing.",
                        name=order.name,
                    )
                )
        self._check_consent_covers_charges(self.env._("finishing"))
        self._set_state("done", {"finished_at": fields.Datetime.now()})
        self._activity_step_done("repair")
        return True

    def action_open_reschedule(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "cs_property.action_cs_property_repair_reschedule"
        )
        action["context"] = {"default_repair_id": self.id}
        return action

    def _reschedule(self, appointment_start, reason):
        self._check_state(("new", "dispatched", "in_progress"), self.env._("rescheduling"))
        for order in self:
            order._set_state(
                "dispatched" if order.technician_id else "new",
                {
                    "appointment_start": appointment_start,
                    "appointment_end": False,
                    "reschedule_count": order.reschedule_count + 1,
                    "arrived_at": False,
                },
            )
            order.message_post(body=reason)
        self._activity_step_dispatch()

    def action_close(self):
        self._check_state(("done",), self.env._("closing"))
        self._callback_check_before_close()
        for order in self:
            if order.charge_to != "none" and not order.invoice_id:
                raise UserError(
                    self.env._(
                        "Service order %(name)s: invoice the charges before closing.",
                        name=order.name,
                    )
                )
        self._set_state("closed")
        return True

    def action_cancel(self):
        self._check_state(("new", "dispatched", "in_progress", "done"), self.env._("cancelling"))
        for order in self.filtered("invoice_id"):
            invoice = order._invoice_sudo()
            if invoice.state == "posted" and invoice.payment_state != "reversed":
                raise UserError(
                    self.env._(
                        "Service order %(name)s has the posted invoice %(invoice)s: finance "
                        "must issue a credit note before the order can be cancelled.",
                        name=order.name,
                        invoice=invoice.name,
                    )
                )
        for order in self.filtered("invoice_id"):
            invoice = order._invoice_sudo()
            if invoice.state == "draft":
                # A draft has no accounting effect and belongs to this order
                # only: it is cancelled with the order, as the superuser for
                # this one move, without giving agents rights on journal entries.
                invoice.button_cancel()
        self._set_state("cancelled")
        return True

    # ------------------------------------------------------------ invoicing
    def action_create_invoice(self):
        """One customer invoice per order, for its payer, with an estate analytic."""
        if not (
            self.env.user.has_group("cs_property.group_property_agent")
            or self.env.user.has_group("account.group_account_invoice")
        ):
            raise UserError(self.env._("Only customer service or finance may invoice orders."))
        self._lock_for_invoicing()
        moves = self.env["account.move"]
        for order in self:
            if order.invoice_id:
                raise UserError(
                    self.env._(
                        "Service order %(name)s is already invoiced (%(invoice)s).",
                        name=order.name,
                        invoice=order._invoice_sudo().display_name,
                    )
                )
            if order.state not in ("done", "closed") or order.charge_to == "none":
                raise UserError(
                    self.env._(
                        "Service order %(name)s: only finished, charged orders are invoiced.",
                        name=order.name,
                    )
                )
            order._check_consent_covers_charges(self.env._("invoicing"))
            move = (
                self.env["account.move"]
                .sudo()
                .with_company(order.company_id)
                .create(order._prepare_invoice_vals())
            )
            order.sudo().invoice_id = move
            moves |= move
        if len(self) == 1:
            return self.action_view_invoice()
        name = self.env._("Invoices")
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "name": name,
            "domain": [("id", "in", moves.ids)],
            "view_mode": "list,form",
        }

    def _lock_for_invoicing(self):
        """Two simultaneous clicks: the second waits here, then sees the invoice."""
        self.env.cr.execute(
            "SELECT id FROM cs_property_repair WHERE id IN %s FOR UPDATE", [tuple(self.ids)]
        )
        self.invalidate_recordset(["invoice_id"])

    def _prepare_invoice_vals(self):
        """Hook: the invoice of this order."""
        self.ensure_one()
        analytic = self.estate_id._analytic_account()
        return {
            "move_type": "out_invoice",
            "partner_id": self.payer_id.id,
            "invoice_origin": self.name,
            "ref": self.name,
            "invoice_line_ids": [
                Command.create(
                    {
                        "product_id": line.product_id.id,
                        "name": line.name,
                        "quantity": line.quantity,
                        "price_unit": line.price_unit,
                        "tax_ids": [Command.set(line.tax_ids.ids)],
                        "analytic_distribution": {str(analytic.id): 100},
                    }
                )
                for line in self.line_ids
            ],
        }

    def action_view_invoice(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.invoice_id.id,
            "view_mode": "form",
        }

    # ------------------------------------------------------------ mixin hooks
    def _sla_start_datetime(self):
        return max(self.received_at, self.appointment_start or self.received_at)

    def _sla_replan_fields(self):
        return ("urgency", "category_id")

    def _sla_notify_warning(self, lines):
        by_record = self._sla_lines_by_record(lines)
        self.with_context(mail_activity_quick_update=True)._activity_step(
            "sla_warning",
            lambda o: o.technician_id | o.team_id.leader_id,
            lambda o: o.env._(
                "SLA about to fail: %(targets)s", targets=o._sla_targets_label(by_record[o.id])
            ),
            activity_type="mail.mail_activity_data_warning",
            replace=False,
        )

    def _sla_notify_escalation(self, lines, level):
        by_record = self._sla_lines_by_record(lines)
        managers = {}

        def people(order):
            if level <= 1:
                users = order.team_id.leader_id
            else:
                if order.estate_id not in managers:
                    managers[order.estate_id] = order.estate_id._cs_managers()
                users = managers[order.estate_id]
            return users or order.create_uid

        def render(order):
            return order.env._(
                "SLA failed (%(targets)s): escalated.",
                targets=order._sla_targets_label(by_record[order.id]),
            )

        self._sla_escalate(level, people, render)

    def _on_callback_dissatisfied(self, callback):
        if self.state in ("done", "closed"):
            # the callback may be logged by someone who cannot dispatch
            self.sudo()._set_state("dispatched", {"reschedule_count": self.reschedule_count + 1})
            # the fix needs its own callback, until the customer is satisfied
            self.sudo()._callback_reset(callback)
            self._activity_step_repair()
            managers = self.estate_id._cs_managers()
            self._post_note_for(
                managers, lambda r: r.env._("Customer dissatisfied at callback: reopened.")
            )
            self._activity_step(
                "reopened",
                managers,
                lambda r: r.env._("Dissatisfied repair customer"),
                replace=False,
            )
