from odoo import api, fields, models


class CsPropertySlaMixin(models.AbstractModel):
    """Service-level clocks for any estate-bound record with a ``state``.

    Lines are created by ``_sla_apply`` (called by the "on creation"
    automation rule), follow the record's state in ``write``, and the
    time-based automation rules on ``cs.property.sla.line`` warn and escalate.
    Models override the ``_sla_*`` hooks to say whom to warn and escalate to.
    """

    _name = "cs.property.sla.mixin"
    _description = "SLA Mixin"

    sla_line_ids = fields.One2many(
        "cs.property.sla.line",
        "res_id",
        string="SLA",
        domain=lambda self: [("res_model", "=", self._name)],
        readonly=True,
    )
    sla_deadline = fields.Datetime(
        string="SLA Deadline",
        compute="_compute_sla_summary",
        store=True,
        index=True,
        help="Earliest deadline of the targets still running.",
    )
    sla_failed = fields.Boolean(
        string="SLA Failed", compute="_compute_sla_summary", store=True, index=True
    )

    @api.depends("sla_line_ids.deadline", "sla_line_ids.status")
    def _compute_sla_summary(self):
        for record in self:
            lines = record.sla_line_ids
            running = lines.filtered(lambda ln: ln.status == "running")
            record.sla_deadline = min(running.mapped("deadline"), default=False)
            record.sla_failed = any(ln.status == "failed" for ln in lines)

    # ---------------------------------------------------------------- hooks
    def _sla_state_field(self):
        return "state"

    def _sla_start_datetime(self):
        """When the clocks start: reception time by default."""
        return self.create_date

    def _sla_calendar(self):
        return self.estate_id.resource_calendar_id or self.company_id.resource_calendar_id

    def _sla_notify_warning(self, lines):
        """Hook: tell the responsible people that ``lines`` are about to fail.

        Called once for a whole batch: ``self`` holds many documents and
        ``lines`` the due lines of all of them (``_sla_lines_by_record``). Write
        activities and notes in bulk (``_activity_step`` with a vals list,
        ``_sla_log_note``), never one ``message_post`` per record.
        """

    def _sla_notify_escalation(self, lines, level):
        """Hook: escalate the failed ``lines`` (of all documents of ``self``) to
        ``level`` (1: team leader, 2: CS manager), in bulk as above."""

    # ------------------------------------------------------ hook helpers
    def _sla_lines_by_record(self, lines):
        """``{record id: its lines}`` out of the lines of a batch."""
        return lines.grouped("res_id")

    def _sla_targets_label(self, lines):
        """Names of the targets of ``lines`` in this record's language."""
        return ", ".join(lines.with_env(self.env).mapped("name"))

    def _sla_escalate(self, level, people, render):
        """The escalation of a batch: one warning activity per person at the
        step of ``level`` (kept beside earlier ones) and one note per record,
        both rendered in the language of ``people(record)``."""
        # no e-mail per activity: systray and chatter
        self.with_context(mail_activity_quick_update=True)._activity_step(
            "sla_leader" if level <= 1 else "sla_manager",
            people,
            render,
            activity_type="mail.mail_activity_data_warning",
            replace=False,
        )
        self._sla_log_note(people, render)
        return True

    def _sla_log_note(self, person, render):
        """One internal note per record, all in one INSERT (``message_post``
        costs a dozen queries per record), each rendered by ``render(record)``
        in the language of ``person(record)`` — who the note is for."""
        bodies = {}
        for record in self:
            who = person(record) if callable(person) else person
            lang = who[:1].lang or self.env.lang or "en_US"
            bodies[record.id] = render(record.with_context(lang=lang))
        return self._message_log_batch(bodies)

    # ------------------------------------------------------------- behaviour
    def _sla_apply(self):
        """Start the SLA clocks of records that have none yet."""
        todo = self.filtered(lambda r: not r.sla_line_ids)
        lines = self.env["cs.property.sla.line"]._create_for(todo)
        # records imported or created past their first state: settle their clocks now
        for state, records in todo.grouped(self._sla_state_field()).items():
            records.sla_line_ids.sudo()._on_state_change(state)
        return lines

    def _sla_replan_fields(self):
        """Hook: fields the policies choose by (severity, category…); changing
        one of them re-plans the clocks to the policy that now matches."""
        return ()

    def _sla_replan(self):
        """Replace the clocks of records whose matching policy changed.

        Running and paused lines of the old policy are removed and the new
        policy's targets start from the original start time; lines already met
        or failed keep their history, and a new target the record's state has
        already reached is not started again (its history is the old line).
        """
        records = self.filtered("sla_line_ids")
        if not records:
            return self.env["cs.property.sla.line"]
        Line = self.env["cs.property.sla.line"].sudo()
        policies = self.env["cs.property.sla.policy"].search([("model_name", "=", self._name)])
        matches = policies._match(records)
        state_field = self._sla_state_field()
        to_remove = Line
        to_plan = self.browse()
        skip_targets = set()
        for record in records:
            lines = record.sla_line_ids.sudo()
            new_policy = matches.get(record)
            current = lines.filtered(lambda ln: ln.status in ("running", "paused")).policy_id
            current = current or lines.sorted("id")[-1:].policy_id
            if new_policy == current:
                continue
            to_remove |= lines.filtered(lambda ln: ln.status in ("running", "paused"))
            if new_policy:
                to_plan |= record
                state = record[state_field]
                skip_targets.update(t.id for t in new_policy.target_ids if state in t._reach_set())
        to_remove.unlink()
        created = Line._create_for(to_plan).sudo()
        skipped = created.filtered(lambda ln: ln.target_id.id in skip_targets)
        skipped.unlink()
        created -= skipped
        for state, group in to_plan.grouped(state_field).items():
            created.filtered(lambda ln, g=group: ln.res_id in g.ids)._on_state_change(state)
        return created

    def write(self, vals):
        state_field = self._sla_state_field()
        result = super().write(vals)
        if state_field in vals:
            lines = self.sla_line_ids.sudo()
            lines._on_state_change(vals[state_field])
            if hasattr(self, "_activity_step_done"):
                # warnings and escalations have served once nothing of the
                # record is running late any more
                late = {ln.res_id for ln in lines if ln._sla_is_late_or_warned()}
                settled = self.filtered(lambda r: r.id not in late)
                settled._activity_step_done(["sla_warning", "sla_leader", "sla_manager"])
        if set(self._sla_replan_fields()) & set(vals):
            self._sla_replan()
        return result
