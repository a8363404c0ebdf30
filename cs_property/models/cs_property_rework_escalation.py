from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools.i18n import format_list

from .cs_property_rework import REWORK_OPEN_STATES


class CsPropertyReworkEscalation(models.Model):
    """Rework orders that go up to the managers (disputed, overdue, repeated)
    and their SLA clocks, which start when the order is issued. Every text is
    rendered in its recipient's language, reasons included."""

    _inherit = "cs.property.rework"

    # ------------------------------------------------------------ dispute
    def action_dispute(self):
        """The developer rejects warranty responsibility: a signed memo is needed."""
        self._check_state(REWORK_OPEN_STATES, self.env._("recording a dispute"))
        for order in self:
            if not order.dispute_memo or not (
                order.dispute_signature or order.dispute_attachment_ids
            ):
                raise UserError(
                    self.env._(
                        "Rework order %(name)s: a disputed item needs the written memo and "
                        "the parties' signatures or images.",
                        name=order.name,
                    )
                )
        self.write({"is_disputed": True})
        self._escalate(("disputed",))
        return True

    # ------------------------------------------------------------ escalation
    def _escalation_reasons(self, codes):
        """The reasons ``codes`` (overdue, repeated, disputed) in this
        record's language, listed the language's way."""
        labels = {
            "overdue": self.env._("overdue"),
            "repeated": self.env._("repeated"),
            "disputed": self.env._("disputed by the developer"),
        }
        return format_list(self.env, [labels[code] for code in codes])

    def _escalate(self, codes):
        """Repeated, disputed and overdue items go up to the estate's managers:
        an activity each and a note, both in the managers' language.

        ``codes`` is a tuple of reasons, or ``codes(order)`` giving them per order."""
        for order in self:
            reasons = codes(order) if callable(codes) else codes
            managers = order.estate_id._cs_managers()
            order._activity_step(
                "escalation",
                managers,
                lambda o, r=reasons: o.env._(
                    "Rework order %(name)s escalated: %(reason)s",
                    name=o.name,
                    reason=o._escalation_reasons(r),
                ),
                activity_type="mail.mail_activity_data_warning",
                replace=False,
            )
            order._post_note_for(
                managers[:1] or order.user_id,
                lambda o, r=reasons: o.env._(
                    "Escalated to the managers: %(reason)s", reason=o._escalation_reasons(r)
                ),
            )
        return True

    def _refresh_today_flags(self):
        """The calendar moved: overdue flags and the register's ages (stored
        for the register's pivot and group-by) are computed again for these
        orders and their lines, in one batch."""
        self.modified(["promised_date", "received_at"])
        self.env.flush_all()
        return True

    @api.model
    def _cron_escalate(self):
        """Daily: refresh overdue flags and escalate flagged open orders once
        (one activity per manager and order: re-running adds nothing)."""
        open_orders = self.search([("state", "in", REWORK_OPEN_STATES)])
        open_orders._refresh_today_flags()
        flagged = open_orders.filtered(lambda o: o.is_overdue or o.is_repeat or o.is_disputed)
        already = set(flagged._activity_open("escalation").mapped("res_id"))
        todo = flagged.filtered(lambda o: o.id not in already)
        todo._escalate(
            lambda o: tuple(
                code
                for code, flag in (
                    ("overdue", o.is_overdue),
                    ("repeated", o.is_repeat),
                    ("disputed", o.is_disputed),
                )
                if flag
            )
        )
        return True

    # ------------------------------------------------------------ SLA
    def _sla_apply(self):
        """A draft is not yet the contractor's: its clocks start at the issue
        (``action_issue``); orders created already issued start at once."""
        issued = self.filtered(lambda o: o.state != "draft")
        return super(CsPropertyReworkEscalation, issued)._sla_apply()

    def _sla_start_datetime(self):
        return self.issued_at or self.create_date

    def _sla_notify_warning(self, lines):
        by_record = self._sla_lines_by_record(lines)
        self.with_context(mail_activity_quick_update=True)._activity_step(
            "sla_warning",
            lambda o: o.user_id,
            lambda o: o.env._(
                "SLA about to fail: %(targets)s",
                targets=o._sla_targets_label(by_record[o.id]),
            ),
            activity_type="mail.mail_activity_data_warning",
            replace=False,
        )

    def _sla_notify_escalation(self, lines, level):
        by_record = self._sla_lines_by_record(lines)
        managers = {}

        def people(order):
            if order.estate_id not in managers:
                managers[order.estate_id] = order.estate_id._cs_managers()
            return managers[order.estate_id] or order.user_id

        def render(order):
            return order.env._(
                "SLA failed (%(targets)s): escalated.",
                targets=order._sla_targets_label(by_record[order.id]),
            )

        self._sla_escalate(level, people, render)
