import secrets

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.i18n import format_list

# Proof that a state write comes from the model's own transition code. It is a
# per-process random string: nothing a client sends over RPC, an import or a
# kanban drag can carry it, yet it survives a context copy and serialisation.
_TRANSITION_TOKEN = secrets.token_hex(16)
_TRANSITION_KEY = "cs_property_transition"


def report_action_for_rpc(report, docs, data=None):
    """``report.report_action(docs)`` without its ``"data": None``, which an
    XML-RPC client cannot unmarshal (a print button must answer over RPC)."""
    action = report.report_action(docs, data=data)
    return {key: value for key, value in action.items() if value is not None}


class CsPropertyWorkflowMixin(models.AbstractModel):
    """What every workflow form of the add-on shares, so a new form does not
    write it again:

    * **guarded states** — ``state`` moves only through ``_set_state``, called
      by the ``action_*`` buttons after their guards; a user's direct write of
      the state (kanban drag, import, RPC) is refused with a business message;
    * **kanban columns in workflow order** — every state is a column, empty
      ones too, and ``_workflow_folded_states`` are folded;
    * **activities that follow the work** — ``_activity_step`` gives the
      person of a step one activity (never two; moved when the person
      changes), ``_activity_step_done`` marks it done when the step is done,
      and reaching a final state closes every step activity left open;
    * **the recipient's language** — summaries and notes written for a person
      are rendered in that person's language, whoever (a cron, the superuser)
      writes them.
    """

    _name = "cs.property.workflow.mixin"
    _description = "Guarded Workflow"
    _workflow_state_field = "state"

    # ---------------------------------------------------------------- hooks
    def _workflow_final_states(self):
        """States in which no step activity may stay open."""
        return ("closed", "cancelled", "done_final", "refunded", "rejected")

    def _workflow_folded_states(self):
        """Kanban columns folded by default."""
        return ("closed", "cancelled")

    # ------------------------------------------------------------ the guard
    def _state_label(self, state):
        field = self._fields[self._workflow_state_field]
        return dict(field._description_selection(self.env)).get(state, state)

    def _transition_allowed(self):
        # The superuser loads data files and runs internal sudo() code; users
        # (including administrators over RPC) never run as the superuser.
        return self.env.su or self.env.context.get(_TRANSITION_KEY) == _TRANSITION_TOKEN

    def _refuse_direct_state(self, state):
        raise UserError(
            self.env._(
                "%(form)s: the state cannot be set to “%(state)s” directly (by dragging a "
                "card, importing or writing it). Use the buttons on the form: each step "
                "checks what it needs first.",
                form=self.env["ir.model"]._get(self._name).name,
                state=self._state_label(state),
            )
        )

    def _require(self, field_names, action):
        """Refuse ``action`` (the step, already translated) while a record
        leaves one of ``field_names`` empty; the message names the missing
        fields by their labels in the user's language."""
        form = None
        for record in self:
            missing = [
                record._fields[name]._description_string(self.env)
                for name in field_names
                if not record[name]
            ]
            if missing:
                form = form or self.env["ir.model"]._get(self._name).name
                raise UserError(
                    self.env._(
                        "%(form)s %(name)s: fill in %(fields)s before %(action)s.",
                        form=form,
                        name=record.display_name,
                        fields=format_list(self.env, missing),
                        action=action,
                    )
                )
        return True

    def _set_state(self, state, vals=None):
        """The one way a workflow step changes the state (after its guards)."""
        values = dict(vals or {}, **{self._workflow_state_field: state})
        if state in self._workflow_final_states():
            # before the write: what the final state itself starts (the
            # automation's welcome callback of a handover) must stay open
            self._activity_close_all(cancelled=state == "cancelled")
        return self.with_context(**{_TRANSITION_KEY: _TRANSITION_TOKEN}).write(values)

    @api.model_create_multi
    def create(self, vals_list):
        field_name = self._workflow_state_field
        if not self._transition_allowed():
            default = self.default_get([field_name]).get(field_name)
            for vals in vals_list:
                if vals.get(field_name) and vals[field_name] != default:
                    self._refuse_direct_state(vals[field_name])
        return super().create(vals_list)

    def write(self, vals):
        field_name = self._workflow_state_field
        if (
            field_name in vals
            and not self._transition_allowed()
            and any(record[field_name] != vals[field_name] for record in self)
        ):
            self._refuse_direct_state(vals[field_name])
        return super().write(vals)

    # ------------------------------------------------------------ kanban
    @api.model
    def _read_group_all_states(self, values, domain):
        field = self._fields[self._workflow_state_field]
        return [key for key, _label in field._description_selection(self.env)]

    @api.model
    def formatted_read_group(self, domain, groupby=(), aggregates=(), *args, **kwargs):
        groups = super().formatted_read_group(domain, groupby, aggregates, *args, **kwargs)
        if groupby and groupby[0] == self._workflow_state_field:
            folded = self._workflow_folded_states()
            for group in groups:
                group["__fold"] = group.get(self._workflow_state_field) in folded
        return groups

    # ------------------------------------------------------------ language
    @api.model
    def _lang_of(self, users_or_partners):
        """The language a person reads (user, partner), else the company's."""
        person = users_or_partners[:1]
        return person.lang or self.env.user.lang or "en_US"

    def _in_lang_of(self, person):
        """This recordset in ``person``'s language: ``self.env._`` on the result
        renders translations for that person."""
        return self.with_context(lang=self._lang_of(person))

    def _post_note_for(self, person, render):
        """Post an internal note rendered in ``person``'s language.

        ``render(record)`` gets the record in that language and returns the
        body; it uses ``record.env._(...)`` so the sources are exported.
        """
        for record in self:
            body = render(record._in_lang_of(person))
            record.message_post(body=body, message_type="comment", subtype_xmlid="mail.mt_note")
        return True

    # ------------------------------------------------------------ activities
    def _activity_step(
        self,
        step,
        users,
        summary,
        activity_type="mail.mail_activity_data_todo",
        deadline=None,
        replace=True,
    ):
        """Give each of ``users`` one open activity for ``step`` on each record.

        ``summary(record)`` renders the summary; it is called with the record
        in the recipient's language. An activity of the same step already open
        for the person is kept (no duplicate); with ``replace`` the step's
        activities of people no longer in ``users`` are moved or removed, so a
        re-dispatch hands the activity to the new person.
        """
        Activity = self.env["mail.activity"].sudo()
        if self.env.context.get("tracking_disable"):
            # imports and integrations: no "assigned to you" e-mail per activity
            Activity = Activity.with_context(mail_activity_quick_update=True)
        act_type = self.env.ref(activity_type)
        model_id = self.env["ir.model"]._get_id(self._name)
        existing = self._activity_open(step)
        by_key = {(a.res_id, a.user_id.id): a for a in existing}
        vals_list = []
        to_remove = Activity.browse()
        for record in self:
            targets = users(record) if callable(users) else users
            # archived people get nothing; OdooBot (inactive) stays a last resort
            # for work that automation does when nobody else is known
            targets = targets.filtered(lambda u: not u.share and (u.active or u._is_superuser()))
            wanted = set(targets.ids)
            stale = existing.filtered(
                lambda a, r=record, w=wanted: a.res_id == r.id and a.user_id.id not in w
            )
            date = deadline(record) if callable(deadline) else deadline
            date = date or fields.Date.context_today(record)
            for user in targets:
                if (record.id, user.id) in by_key:
                    continue
                if replace and stale:
                    moved, stale = stale[0], stale[1:]
                    moved.write({"user_id": user.id, "summary": summary(record._in_lang_of(user))})
                    continue
                vals_list.append(
                    {
                        "res_model_id": model_id,
                        "res_id": record.id,
                        "activity_type_id": act_type.id,
                        "user_id": user.id,
                        "summary": summary(record._in_lang_of(user)),
                        "date_deadline": date,
                        "cs_step": step,
                        # given, not computed after the INSERT: one UPDATE less
                        # per batch (the SLA cron writes thousands at once)
                        "res_name": record.display_name,
                        "user_tz": user.tz,
                    }
                )
            if replace:
                to_remove |= stale
        if to_remove:
            to_remove.unlink()
        return Activity.create(vals_list) if vals_list else Activity

    def _activity_open(self, steps=None):
        """Open step activities of these records (``steps``: a name or a list)."""
        if not self:
            return self.env["mail.activity"]
        domain = [
            ("res_model", "=", self._name),
            ("res_id", "in", self.ids),
            ("cs_step", "!=", False),
        ]
        if steps:
            domain.append(("cs_step", "in", [steps] if isinstance(steps, str) else list(steps)))
        return self.env["mail.activity"].sudo().search(domain)

    def _activity_step_done(self, steps, feedback=None):
        """The step is done: its open activities are marked done.

        ``feedback`` is a text, or ``feedback(record)`` rendering it for the
        record in the assignee's language; the "done" message is written in
        the assignee's language too, whoever marks it done (a cron, a callback
        logged by someone else).
        """
        activities = self._activity_open(steps)
        by_lang = activities.grouped(lambda a: self._lang_of(a.user_id))
        for lang, group in by_lang.items():
            group = group.with_context(lang=lang)
            if callable(feedback):
                records = self.with_context(lang=lang).grouped("id")
                for activity in group:
                    record = records.get(activity.res_id)
                    group_feedback = feedback(record) if record else None
                    activity.action_feedback(feedback=group_feedback)
            else:
                group.action_feedback(feedback=feedback)
        return True

    def _activity_close_all(self, cancelled=False):
        """Final state: nothing of the workflow stays open (cancelled: removed)."""
        activities = self._activity_open()
        if cancelled:
            activities.unlink()
        else:
            for lang, group in activities.grouped(lambda a: self._lang_of(a.user_id)).items():
                group.with_context(lang=lang).action_feedback()
        return True

    def _check_can_write_closed(self):
        """Hook kept for forms that lock closed records."""
        return True
