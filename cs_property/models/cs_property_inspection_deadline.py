from datetime import datetime, time, timedelta

from pytz import timezone, utc

from odoo import fields, models

from .cs_property_nonconformity import DEADLINE_DAYS


def working_days(calendar, first, last):
    """``{local date: end of its last working interval (naive UTC)}`` for the
    working days of ``calendar`` from ``first`` to ``last`` (dates), public
    holidays (global leaves) excluded: one interval fetch per calendar."""
    tz = timezone(calendar.tz or "UTC")
    start = tz.localize(datetime.combine(first, time.min))
    end = tz.localize(datetime.combine(last, time.max))
    days = {}
    for a, b, _meta in calendar._work_intervals_batch(start, end)[False]:
        day = a.astimezone(tz).date()
        stop = b.astimezone(utc).replace(tzinfo=None)
        if day not in days or stop > days[day]:
            days[day] = stop
    return days


class CsPropertyNonconformity(models.Model):
    """The notice's “Rectify By” date is its SLA deadline. Both count the same
    calendar: working days of the estate's calendar (holidays excluded). The
    default is 3 working days after the finding (1 for a serious one); the
    rectification clock ends with that working day, and changing or extending
    the date moves the clock (and restarts its escalation if it lies ahead)."""

    _inherit = "cs.property.nonconformity"

    def _set_default_deadline(self):
        todo = self.filtered(lambda r: DEADLINE_DAYS.get(r.severity) and r.date_found)
        for calendar, records in todo.grouped(lambda r: r._sla_calendar()).items():
            if not calendar:
                for record in records:
                    days = DEADLINE_DAYS[record.severity]
                    record.deadline = record.date_found + timedelta(days=days)
                continue
            first = min(records.mapped("date_found")) + timedelta(days=1)
            last = max(records.mapped("date_found")) + timedelta(
                days=max(DEADLINE_DAYS.values()) * 7 + 30
            )
            open_days = sorted(working_days(calendar, first, last))
            for record in records:
                after = [d for d in open_days if d > record.date_found]
                count = DEADLINE_DAYS[record.severity]
                record.deadline = (
                    after[count - 1]
                    if len(after) >= count
                    else record.date_found + timedelta(days=count)
                )
        return True

    def _sla_rectify_lines(self):
        """The clocks the “Rectify By” date drives: the targets reached only by
        the settlement (not by the acknowledgement), still open or failed but
        not yet reached."""
        return self.sudo().sla_line_ids.filtered(
            lambda ln: "acknowledged" not in ln.target_id._reach_set() and not ln.date_reached
        )

    def _sla_sync_deadline(self):
        """Put the rectification clocks on the end of the “Rectify By” working
        day; a deadline moved into the future restarts the warning and the
        escalation of the clock."""
        now = fields.Datetime.now()
        records = self.filtered("deadline")
        for calendar, group in records.grouped(lambda r: r._sla_calendar()).items():
            ends = (
                working_days(calendar, min(group.mapped("deadline")), max(group.mapped("deadline")))
                if calendar
                else {}
            )
            tz = timezone((calendar and calendar.tz) or "UTC")
            for record in group:
                stop = ends.get(record.deadline) or tz.localize(
                    datetime.combine(record.deadline, time(23, 59, 59))
                ).astimezone(utc).replace(tzinfo=None)
                for line in record._sla_rectify_lines():
                    vals = {"deadline": stop}
                    if stop > now:
                        vals.update(warned=False, escalation_level=0)
                        if line.status == "failed":
                            vals["status"] = "running"
                    line.write(vals)
                record._activity_open(["acknowledge", "rectify"]).write(
                    {"date_deadline": record.deadline}
                )
        return True

    def _sla_apply(self):
        lines = super()._sla_apply()
        self._sla_sync_deadline()
        return lines

    def write(self, vals):
        result = super().write(vals)
        if "deadline" in vals:
            self._sla_sync_deadline()
        return result
