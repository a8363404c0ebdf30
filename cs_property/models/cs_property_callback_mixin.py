from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from .cs_property_callback import SATISFACTION


class CsPropertyCallbackMixin(models.AbstractModel):
    """Callbacks (回访) on records that are handled for a customer.

    ``_callback_schedule`` (called by the "on completion" automation rule)
    applies the model's callback policy: decides whether the record is
    sampled, sets the due date and gives the responsible person an activity.
    Logging a callback closes that activity; a dissatisfied callback calls
    ``_on_callback_dissatisfied``, which each model defines.
    """

    _name = "cs.property.callback.mixin"
    _description = "Callback Mixin"

    callback_ids = fields.One2many(
        "cs.property.callback",
        "res_id",
        string="Callbacks",
        domain=lambda self: [("res_model", "=", self._name)],
    )
    callback_count = fields.Integer(compute="_compute_callback_summary", store=True)
    callback_done = fields.Boolean(
        string="Callback Done", compute="_compute_callback_summary", store=True
    )
    callback_satisfaction = fields.Selection(
        SATISFACTION,
        string="Last Satisfaction",
        compute="_compute_callback_summary",
        store=True,
    )
    callback_required = fields.Boolean(readonly=True, copy=False)
    callback_due_date = fields.Datetime(string="Callback Due", readonly=True, copy=False)
    callback_since = fields.Datetime(
        string="Callback Needed Since",
        readonly=True,
        copy=False,
        help="Set when the customer was not satisfied and the record was reopened: only a "
        "callback made after this moment counts, and closing needs the customer satisfied.",
    )

    @api.depends(
        "callback_ids.reached", "callback_ids.satisfaction", "callback_ids.date", "callback_since"
    )
    def _compute_callback_summary(self):
        for record in self:
            reached = record._callback_reached()
            record.callback_count = len(record.callback_ids)
            record.callback_done = bool(reached)
            record.callback_satisfaction = reached[-1:].satisfaction or False

    # ---------------------------------------------------------------- hooks
    def _callback_partner(self):
        return self.partner_id

    def _callback_responsible(self):
        """Who calls back: by default the user who created the record."""
        return self.create_uid

    def _on_callback_dissatisfied(self, callback):
        """Hook: what a dissatisfied callback does to the record."""

    # ------------------------------------------------------------- behaviour
    def _callback_reached(self):
        """Callbacks that reached the customer and still count, oldest first:
        after a reopening only those made after the fix."""
        self.ensure_one()
        since = self.callback_since
        return self.callback_ids.filtered(
            lambda c: c.reached and (not since or c.date > since)
        ).sorted("date")

    def _callback_reset(self, callback=None):
        """The customer was not satisfied and the record is reopened: the fix
        needs its own callback, until the customer is satisfied. The callback
        that reopened it never counts, even if dated later than now."""
        since = fields.Datetime.now()
        if callback and callback.date > since:
            since = callback.date
        self.write({"callback_since": since, "callback_required": False})

    def _callback_schedule(self):
        """Apply the callback policy to records that were just completed."""
        policies = self.env["cs.property.callback.policy"].search([("model_name", "=", self._name)])
        now = fields.Datetime.now()
        matches = policies._match(self)
        for record in self:
            policy = matches.get(record)
            # a reopened record is called back whatever the sampling says
            sampled = bool(record.callback_since) or (policy and policy._is_sampled(record))
            if not sampled or record.callback_done:
                continue
            window = policy.window_hours if policy else 48
            due = now + timedelta(hours=window)
            record.write(
                {
                    "callback_required": bool(record.callback_since) or policy.required_to_close,
                    "callback_due_date": due,
                }
            )
            record._activity_step(
                "callback",
                lambda r: (
                    r._callback_responsible().filtered(lambda u: u.active and not u.share)
                    or r.env.user
                ),
                lambda r: r.env._("Call the customer back"),
                activity_type="cs_property.mail_activity_type_callback",
                deadline=fields.Date.context_today(record, due),
            )

    def _callback_logged(self, callback):
        """A callback reached the customer: the callback step is done, with
        the satisfaction by its label in the caller's language."""
        if not callback.reached:
            return

        def feedback(record):
            label = record.env["cs.property.callback"]._fields["satisfaction"]
            text = dict(label._description_selection(record.env)).get(callback.satisfaction, "")
            return f"{text}: {callback.comment}" if callback.comment else text

        self._activity_step_done("callback", feedback=feedback)

    def _callback_check_before_close(self):
        for record in self:
            reached = record._callback_reached()
            if record.callback_since and not reached:
                raise UserError(
                    self.env._(
                        "%(record)s cannot be closed yet: it was reopened because the "
                        "customer was not satisfied, so call the customer back after the fix.",
                        record=record.display_name,
                    )
                )
            if record.callback_since and not reached[-1].is_satisfied:
                raise UserError(
                    self.env._(
                        "%(record)s cannot be closed yet: at the last callback the customer "
                        "was still not satisfied; fix it and call back again.",
                        record=record.display_name,
                    )
                )
            if record.callback_required and not reached:
                raise UserError(
                    self.env._(
                        "%(record)s cannot be closed yet: the callback policy requires a "
                        "callback to the customer first.",
                        record=record.display_name,
                    )
                )

    def action_log_callback(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Log Callback"),
            "res_model": "cs.property.callback",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_res_model": self._name,
                "default_res_id": self.id,
                "default_partner_id": self._callback_partner().id,
            },
        }
