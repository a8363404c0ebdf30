import bisect
from datetime import timedelta

from pytz import utc

from odoo import api, fields, models

SLA_STATUSES = [
    ("running", "Running"),
    ("paused", "Paused"),
    ("met", "Met"),
    ("failed", "Failed"),
]
OPEN_STATUSES = ("running", "paused")


class WorkingTime:
    """Working intervals of one calendar over a span, fetched once.

    Planning thousands of deadlines would otherwise cost a leave query per
    record (resource.calendar.plan_hours); here it is one query per calendar.
    """

    def __init__(self, calendar, start, end):
        self.calendar = calendar
        intervals = calendar._work_intervals_batch(
            start.replace(tzinfo=utc), end.replace(tzinfo=utc)
        )[False]
        self.spans = [
            (a.astimezone(utc).replace(tzinfo=None), b.astimezone(utc).replace(tzinfo=None))
            for a, b, _meta in intervals
        ]
        self.stops = [b for _a, b in self.spans]
        self.end = end

    def plan(self, start, hours):
        """The datetime ``hours`` working hours after ``start``."""
        index = bisect.bisect_right(self.stops, start)
        left = timedelta(hours=hours)
        for a, b in self.spans[index:]:
            a = max(a, start)
            if b - a >= left:
                return a + left
            left -= b - a
        # beyond the fetched span (very long targets): ask the calendar itself
        return self.calendar.plan_hours(left.total_seconds() / 3600, self.end, compute_leaves=True)

    def hours_between(self, start, end):
        if end <= start:
            return 0.0
        index = bisect.bisect_right(self.stops, start)
        total = timedelta()
        for a, b in self.spans[index:]:
            if a >= end:
                break
            total += min(b, end) - max(a, start)
        return total.total_seconds() / 3600

    @classmethod
    def for_requests(cls, calendar, starts, max_hours):
        """Span long enough for ``max_hours`` of work after the latest start,
        with room for a long public holiday."""
        first, last = min(starts), max(starts)
        days = 14 + int(max_hours / 40 * 7) + 30
        return cls(calendar, first - timedelta(days=1), last + timedelta(days=days))


class CsPropertySlaLine(models.Model):
    """The clock of one target on one record."""

    _name = "cs.property.sla.line"
    _description = "SLA Line"
    _inherit = ["cs.property.document.mixin"]
    _order = "deadline, id"

    policy_id = fields.Many2one("cs.property.sla.policy", required=True, ondelete="restrict")
    target_id = fields.Many2one("cs.property.sla.target", required=True, ondelete="restrict")
    name = fields.Char(related="target_id.name")
    estate_id = fields.Many2one("cs.property.estate", index=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", index=True)
    calendar_id = fields.Many2one("resource.calendar", required=True)
    date_start = fields.Datetime(required=True)
    deadline = fields.Datetime(required=True, index=True)
    status = fields.Selection(SLA_STATUSES, required=True, default="running", index=True)
    date_reached = fields.Datetime()
    paused_since = fields.Datetime()
    remaining_hours = fields.Float(help="Working hours left when the clock was paused.")
    warned = fields.Boolean(help="The pre-breach warning was sent.")
    escalation_level = fields.Integer(
        help="0: none; 1: team leader told of the breach; 2: CS manager."
    )
    is_overdue = fields.Boolean(compute="_compute_is_overdue", search="_search_is_overdue")

    @api.depends("deadline", "status")
    def _compute_is_overdue(self):
        now = fields.Datetime.now()
        for line in self:
            line.is_overdue = line.status == "failed" or (
                line.status == "running" and line.deadline < now
            )

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        domain = [
            "|",
            ("status", "=", "failed"),
            "&",
            ("status", "=", "running"),
            ("deadline", "<", fields.Datetime.now()),
        ]
        return domain if (operator == "=") == value else ["!", *domain]

    @api.depends("res_model", "res_id", "name")
    def _compute_display_name(self):
        self.display_name = False
        for document, lines in self._group_by_document().items():
            for line in lines:
                line.display_name = f"{document.display_name}: {line.name}"
        for line in self.filtered(lambda ln: not ln.display_name):
            line.display_name = line.name or ""

    # ------------------------------------------------------------ clock moves
    @api.model
    def _create_for(self, records, now=None):
        """Start the clocks of the matching policy on each record."""
        if not records:
            return self
        policies = self.env["cs.property.sla.policy"].search([("model_name", "=", records._name)])
        matches = policies._match(records)
        requests = []
        for record, policy in matches.items():
            start = record._sla_start_datetime() or now or fields.Datetime.now()
            calendar = record._sla_calendar()
            requests.extend((record, target, calendar, start) for target in policy.target_ids)
        vals_list = []
        for calendar, group in _group_by_calendar(requests).items():
            working = WorkingTime.for_requests(
                calendar, [r[3] for r in group], max(r[1].hours for r in group)
            )
            for record, target, _calendar, start in group:
                vals_list.append(
                    {
                        "res_model": record._name,
                        "res_id": record.id,
                        "policy_id": target.policy_id.id,
                        "target_id": target.id,
                        "estate_id": record.estate_id.id,
                        "company_id": record.company_id.id,
                        "calendar_id": calendar.id,
                        "date_start": start,
                        "deadline": working.plan(start, target.hours),
                    }
                )
        return self.sudo().create(vals_list).sudo(False)

    def _on_state_change(self, state, now=None):
        """Reach, pause or resume the clocks of these lines for a record that
        entered ``state``."""
        now = now or fields.Datetime.now()
        to_pause = self.env["cs.property.sla.line"]
        to_resume = self.env["cs.property.sla.line"]
        for line in self.filtered(lambda ln: ln.status in OPEN_STATUSES):
            target = line.target_id
            if state in target._reach_set():
                line._reach(now)
            elif state in target._pause_set():
                if line.status == "running":
                    to_pause |= line
            elif line.status == "paused":
                to_resume |= line
        to_pause._pause(now)
        to_resume._resume(now)

    def _reach(self, now):
        for line in self:
            failed = (
                line.status == "failed"
                or (line.status == "running" and now > line.deadline)
                or (line.status == "paused" and line.remaining_hours <= 0)
            )
            line.write({"status": "failed" if failed else "met", "date_reached": now})

    def _pause(self, now):
        for calendar, lines in self.grouped("calendar_id").items():
            working = WorkingTime(calendar, now - timedelta(days=1), max(lines.mapped("deadline")))
            for line in lines:
                line.write(
                    {
                        "status": "paused",
                        "paused_since": now,
                        "remaining_hours": working.hours_between(now, line.deadline),
                    }
                )

    def _resume(self, now):
        for calendar, lines in self.grouped("calendar_id").items():
            working = WorkingTime.for_requests(
                calendar, [now], max(lines.mapped("remaining_hours"))
            )
            for line in lines:
                line.write(
                    {
                        "status": "running",
                        "paused_since": False,
                        "deadline": working.plan(now, line.remaining_hours),
                    }
                )

    def _recompute_deadlines(self):
        """Plan again the deadlines of running lines (after a calendar or target
        change): one interval fetch per calendar, whatever the number of lines."""
        running = self.filtered(lambda ln: ln.status == "running")
        for calendar, lines in running.grouped("calendar_id").items():
            working = WorkingTime.for_requests(
                calendar, lines.mapped("date_start"), max(lines.target_id.mapped("hours"))
            )
            for line in lines:
                line.deadline = working.plan(line.date_start, line.target_id.hours)

    # ------------------------------------------------ warnings and escalations
    def _sla_is_late_or_warned(self):
        """Still a reason for a warning or escalation activity on the record."""
        self.ensure_one()
        if self.status == "failed":
            return not self.date_reached
        return self.status in ("running", "paused") and bool(self.warned or self.escalation_level)

    @api.model
    def _cron_sla_process(self, batch_size=1000):
        """Warn and escalate every line that is due, in batches.

        When a line is due is data the administrators tune per target
        (``warning_hours`` before the deadline, ``escalation_hours`` after it for
        the CS manager) and how often this runs is the cron's interval. The
        ``warned`` and ``escalation_level`` flags make each step happen once, so
        a run after a downtime catches up without repeating itself; the highest
        level runs first, so a line found a day late goes straight to the
        manager instead of to the leader and then the manager.
        """
        now = fields.Datetime.now()
        in_cron = bool(self.env.context.get("ir_cron_progress_id"))
        todo = [
            (self._sla_due_escalations(2, now), lambda lines: lines._sla_escalate(2)),
            (self._sla_due_escalations(1, now), lambda lines: lines._sla_escalate(1)),
            (self._sla_due_warnings(now), lambda lines: lines._sla_warn()),
        ]
        if in_cron:
            self.env["ir.cron"]._commit_progress(remaining=sum(len(due) for due, _do in todo))
        for due, process in todo:
            for start in range(0, len(due), batch_size):
                batch = due[start : start + batch_size]
                process(batch)
                if in_cron:
                    self.env["ir.cron"]._commit_progress(len(batch))
        return True

    @api.model
    def _sla_due_warnings(self, now):
        """Running lines whose target's warning time has come (targets with no
        warning hours never warn); lines already late are escalated instead."""
        targets = (
            self.env["cs.property.sla.target"]
            .with_context(active_test=False)
            .search([("warning_hours", ">", 0)])
        )
        lines = self.browse()
        for hours, group in targets.grouped("warning_hours").items():
            lines |= self.search(
                [
                    ("target_id", "in", group.ids),
                    ("status", "=", "running"),
                    ("warned", "=", False),
                    ("deadline", ">", now),
                    ("deadline", "<=", now + timedelta(hours=hours)),
                ]
            )
        return lines

    @api.model
    def _sla_due_escalations(self, level, now):
        """Open or failed lines not reached yet whose escalation to ``level`` is
        due: level 1 at the deadline, level 2 ``escalation_hours`` after it."""
        domain = [
            ("status", "in", ("running", "failed")),
            ("date_reached", "=", False),
            ("escalation_level", "<", level),
        ]
        if level <= 1:
            return self.search([*domain, ("deadline", "<=", now)])
        targets = (
            self.env["cs.property.sla.target"]
            .with_context(active_test=False)
            .search([("escalation_hours", ">=", 0)])
        )
        lines = self.browse()
        for hours, group in targets.grouped("escalation_hours").items():
            lines |= self.search(
                [
                    *domain,
                    ("target_id", "in", group.ids),
                    ("deadline", "<=", now - timedelta(hours=hours)),
                ]
            )
        return lines

    def _sla_warn(self):
        """Pre-breach warning: the documents' hook tells the responsible people,
        one call per model for the whole batch."""
        lines = self.filtered(lambda ln: ln.status == "running" and not ln.warned)
        for documents, document_lines in lines._sla_documents():
            documents._sla_notify_warning(document_lines)
        lines.warned = True

    def _sla_escalate(self, level):
        """Mark overdue lines failed and escalate them to ``level``, one hook
        call per model for the whole batch."""
        lines = self.filtered(
            lambda ln: ln.status != "met" and not ln.date_reached and ln.escalation_level < level
        )
        now = fields.Datetime.now()
        lines.filtered(lambda ln: ln.status == "running" and ln.deadline <= now).status = "failed"
        for documents, document_lines in lines._sla_documents():
            documents._sla_notify_escalation(document_lines, level)
        lines.escalation_level = level

    def _sla_documents(self):
        """``[(documents, lines)]``, one pair per model: the documents of these
        lines that still exist, read in one batch, and the lines attached to them."""
        result = []
        for model, lines in self.grouped("res_model").items():
            documents = self.env[model].browse(set(lines.mapped("res_id"))).exists()
            attached = lines.filtered(lambda ln, ids=set(documents.ids): ln.res_id in ids)
            if documents:
                result.append((documents, attached))
        return result


def _group_by_calendar(requests):
    grouped = {}
    for request in requests:
        grouped.setdefault(request[2], []).append(request)
    return grouped
