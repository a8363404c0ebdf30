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

    @api.depends("callback_ids.reached", "callback_ids.satisfaction", "callback_ids.date")
    def _compute_callback_summary(self):
        for record in self:
            reached = record.callback_ids.filtered("reached").sorted("date")
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
    def _callback_schedule(self):
        """Apply the callback policy to records that were just completed."""
        policies = self.env["cs.property.callback.policy"].search([("model_name", "=", self._name)])
        activity_type = self.env.ref("cs_property.mail_activity_type_callback")
        now = fields.Datetime.now()
        for record, policy in policies._match(self).items():
            if not policy._is_sampled(record) or record.callback_done:
                continue
            due = now + timedelta(hours=policy.window_hours)
            record.write(
                {
                    "callback_required": policy.required_to_close,
                    "callback_due_date": due,
                }
            )
            record.activity_schedule(
                activity_type_id=activity_type.id,
                date_deadline=fields.Date.context_today(record, due),
                user_id=record._callback_responsible().id or self.env.uid,
                summary=self.env._("Call the customer back"),
            )

    def _callback_logged(self, callback):
        """A callback was logged: its activity is done."""
        activity_type = self.env.ref("cs_property.mail_activity_type_callback")
        activities = self.activity_ids.filtered(lambda a: a.activity_type_id == activity_type)
        if callback.reached and activities:
            activities.action_feedback(feedback=callback.comment or callback.satisfaction)

    def _callback_check_before_close(self):
        missing = self.filtered(lambda r: r.callback_required and not r.callback_done)
        if missing:
            raise UserError(
                self.env._(
                    "%(record)s cannot be closed yet: the callback policy requires a "
                    "callback to the customer first.",
                    record=missing[0].display_name,
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
