from datetime import date, datetime, time, timedelta

import pytz
from dateutil import rrule

from odoo import api, fields, models
from odoo.exceptions import ValidationError

RULE_TYPES = [
    ("daily", "Every Day"),
    ("weekly", "Weekly on Weekdays"),
    ("monthly", "Monthly on a Day"),
    ("custom", "Custom Rule (RRULE)"),
]
HOLIDAY_POLICIES = [
    ("keep", "Keep on Holidays"),
    ("skip", "Skip Holidays"),
    ("move", "Move to the Next Working Day"),
]
WEEKDAYS = ("mo", "tu", "we", "th", "fr", "sa", "su")


class CsPropertyRecurrenceMixin(models.AbstractModel):
    """A plan that generates one record per due date (inspections today;
    renovation patrols and entrusted-unit checks reuse it).

    The generated model carries a unique key (plan, date), so running the
    generation twice, or two workers at once, never creates a second record for
    a date. Generation starts after the last date generated, not from today,
    so dates missed while the server was down are caught up (and then flagged
    missed by ``_recurrence_flag_missed`` rather than silently dropped).

    A model using the mixin sets ``_recurrence_target_model``,
    ``_recurrence_target_plan_field`` and ``_recurrence_target_date_field`` and
    implements ``_recurrence_prepare_targets`` (values of the records to
    create) and, for missed-flagging, ``_recurrence_target_open_domain`` and
    the target's ``_recurrence_mark_missed``.
    """

    _name = "cs.property.recurrence.mixin"
    _description = "Recurring Plan"
    _recurrence_target_model = None
    _recurrence_target_plan_field = "plan_id"
    _recurrence_target_date_field = "date_due"

    active = fields.Boolean(default=True)
    recurrence_type = fields.Selection(RULE_TYPES, string="Repeats", required=True, default="daily")
    recurrence_interval = fields.Integer(
        string="Every", default=1, help="Every N days, weeks or months."
    )
    recurrence_mo = fields.Boolean(string="Mon")
    recurrence_tu = fields.Boolean(string="Tue")
    recurrence_we = fields.Boolean(string="Wed")
    recurrence_th = fields.Boolean(string="Thu")
    recurrence_fr = fields.Boolean(string="Fri")
    recurrence_sa = fields.Boolean(string="Sat")
    recurrence_su = fields.Boolean(string="Sun")
    recurrence_month_day = fields.Integer(
        string="Day of Month",
        default=1,
        help="1-31; in shorter months the last day of the month is used.",
    )
    recurrence_rrule = fields.Char(
        string="RRULE",
        help="An iCalendar rule python-dateutil understands, e.g. "
        "FREQ=MONTHLY;BYDAY=1MO (first Monday of each month).",
    )
    recurrence_exdates = fields.Char(
        string="Excluded Dates",
        help="Dates without an occurrence, comma-separated (YYYY-MM-DD).",
    )
    recurrence_holidays = fields.Selection(
        HOLIDAY_POLICIES,
        string="On Public Holidays",
        required=True,
        default="keep",
        help="Public holidays are the global leaves of the estate's working calendar.",
    )
    recurrence_start = fields.Date(
        string="Starts", required=True, default=fields.Date.context_today
    )
    recurrence_end = fields.Date(string="Ends")
    recurrence_horizon = fields.Integer(
        string="Horizon (days)",
        default=7,
        help="Records are created this many days ahead of their date.",
    )
    recurrence_last_date = fields.Date(
        string="Generated Until",
        readonly=True,
        copy=False,
        help="Last date already generated: the next run continues from here, so dates "
        "missed while the scheduler was stopped are caught up.",
    )

    _recurrence_interval_positive = models.Constraint(
        "CHECK(recurrence_interval > 0)", "The interval of a recurrence must be at least 1."
    )
    _recurrence_horizon_positive = models.Constraint(
        "CHECK(recurrence_horizon >= 0)", "The horizon of a recurrence cannot be negative."
    )

    # ---------------------------------------------------------------- checks
    @api.constrains(
        "recurrence_type",
        "recurrence_month_day",
        "recurrence_rrule",
        "recurrence_exdates",
        *(f"recurrence_{d}" for d in WEEKDAYS),
    )
    def _check_recurrence(self):
        for plan in self:
            if plan.recurrence_type == "weekly" and not plan._recurrence_weekdays():
                raise ValidationError(
                    self.env._("%(plan)s: tick at least one weekday.", plan=plan.display_name)
                )
            if plan.recurrence_type == "monthly" and not 1 <= plan.recurrence_month_day <= 31:
                raise ValidationError(
                    self.env._(
                        "%(plan)s: the day of the month must be between 1 and 31.",
                        plan=plan.display_name,
                    )
                )
            try:
                plan._recurrence_exdate_set()
                if plan.recurrence_type == "custom":
                    plan._recurrence_rule(date(2000, 1, 1))
            except (ValueError, TypeError) as error:
                raise ValidationError(
                    self.env._(
                        "%(plan)s: the recurrence rule or excluded dates are not valid "
                        "(%(error)s).",
                        plan=plan.display_name,
                        error=error,
                    )
                ) from error

    # ---------------------------------------------------------------- hooks
    def _recurrence_calendar(self):
        """Working calendar whose public holidays apply (hook)."""
        estate = self["estate_id"] if "estate_id" in self._fields else False
        return (estate and estate.resource_calendar_id) or self.env.company.resource_calendar_id

    def _recurrence_prepare_targets(self, occurrences):
        """Hook: values of the records to create for ``[(plan, date), ...]``."""
        raise NotImplementedError

    def _recurrence_target_open_domain(self):
        """Hook: domain of generated records still to be done."""
        return [("state", "in", ("planned", "in_progress"))]

    def _recurrence_notify_missed(self, missed):
        """Hook: report the generated records that were not done in time."""

    # ------------------------------------------------------------ rules
    def _recurrence_weekdays(self):
        days = (rrule.MO, rrule.TU, rrule.WE, rrule.TH, rrule.FR, rrule.SA, rrule.SU)
        return [day for day, name in zip(days, WEEKDAYS, strict=True) if self[f"recurrence_{name}"]]

    def _recurrence_exdate_set(self):
        parts = (self.recurrence_exdates or "").replace(";", ",").split(",")
        return {fields.Date.to_date(p.strip()) for p in parts if p.strip()}

    def _recurrence_rule(self, dtstart):
        """The dateutil rule of this plan from ``dtstart`` (a date)."""
        self.ensure_one()
        start = datetime.combine(dtstart, time())
        interval = self.recurrence_interval or 1
        if self.recurrence_type == "daily":
            return rrule.rrule(rrule.DAILY, dtstart=start, interval=interval)
        if self.recurrence_type == "weekly":
            return rrule.rrule(
                rrule.WEEKLY,
                dtstart=start,
                interval=interval,
                byweekday=self._recurrence_weekdays(),
            )
        if self.recurrence_type == "monthly":
            # the 31st in February is the 28th/29th: the last existing day up to the wanted one
            day = self.recurrence_month_day
            return rrule.rrule(
                rrule.MONTHLY,
                dtstart=start,
                interval=interval,
                bymonthday=list(range(min(day, 28), day + 1)),
                bysetpos=-1,
            )
        return rrule.rrulestr(self.recurrence_rrule or "", dtstart=start)

    def _recurrence_dates(self, date_from, date_to, holidays=frozenset(), workdays=None):
        """Due dates of this plan in [date_from, date_to], holidays applied."""
        self.ensure_one()
        date_from = max(date_from, self.recurrence_start)
        if self.recurrence_end:
            date_to = min(date_to, self.recurrence_end)
        if date_from > date_to:
            return []
        # anchor on the plan start so "every 2 weeks" keeps its rhythm across runs
        rule = self._recurrence_rule(self.recurrence_start)
        excluded = self._recurrence_exdate_set()
        result = set()
        for occurrence in rule.between(
            datetime.combine(date_from, time()), datetime.combine(date_to, time()), inc=True
        ):
            day = occurrence.date()
            if day in excluded:
                continue
            if day in holidays:
                if self.recurrence_holidays == "skip":
                    continue
                if self.recurrence_holidays == "move":
                    day = _next_working_day(day, holidays, workdays)
                    if self.recurrence_end and day > self.recurrence_end:
                        continue
            result.add(day)
        return sorted(result)

    @api.model
    def _recurrence_holidays_of(self, calendars, date_from, date_to):
        """{calendar: (holiday dates, working weekdays)} in one query per run."""
        result = {cal: (set(), None) for cal in calendars}
        if not calendars:
            return result
        leaves = (
            self.env["resource.calendar.leaves"]
            .sudo()
            .search(
                [
                    ("resource_id", "=", False),
                    ("calendar_id", "in", [False, *calendars.ids]),
                    ("date_from", "<=", datetime.combine(date_to + timedelta(days=40), time())),
                    ("date_to", ">=", datetime.combine(date_from - timedelta(days=1), time())),
                ]
            )
        )
        for cal in calendars:
            tz = pytz.timezone(cal.tz or "UTC")
            days = set()
            for leave in leaves.filtered(lambda lv, c=cal: lv.calendar_id in (c, c.browse())):
                first = pytz.utc.localize(leave.date_from).astimezone(tz).date()
                last = pytz.utc.localize(leave.date_to).astimezone(tz).date()
                while first <= last:
                    days.add(first)
                    first += timedelta(days=1)
            workdays = {int(d) for d in cal.attendance_ids.mapped("dayofweek")} or None
            result[cal] = (days, workdays)
        return result

    # ------------------------------------------------------------ generation
    def _recurrence_lock(self):
        """Lock the plans being generated; plans another worker holds are left
        to it (the unique key would refuse its duplicates anyway)."""
        if not self.ids:
            return self
        self.env.cr.execute(
            f'SELECT id FROM "{self._table}" WHERE id IN %s FOR UPDATE SKIP LOCKED',
            [tuple(self.ids)],
        )
        return self.browse([row[0] for row in self.env.cr.fetchall()])

    def _recurrence_generate(self, horizon_end=None):
        """Create the records due up to each plan's horizon (or ``horizon_end``).

        Queries do not grow with the number of dates: holidays are read once
        per run, existing (plan, date) keys in one query, and the records are
        created in one batch. Returns the created records.
        """
        Target = self.env[self._recurrence_target_model].sudo()
        today = fields.Date.context_today(self)
        plans = self.filtered("active")._recurrence_lock()
        if not plans:
            return Target
        ends = {
            plan: min(
                d
                for d in (
                    horizon_end or today + timedelta(days=plan.recurrence_horizon),
                    plan.recurrence_end,
                )
                if d
            )
            for plan in plans
        }
        starts = {
            plan: max(
                plan.recurrence_start,
                (plan.recurrence_last_date or date.min) + timedelta(days=1),
            )
            for plan in plans
        }
        calendars = self.env["resource.calendar"].union(*(p._recurrence_calendar() for p in plans))
        holidays = self._recurrence_holidays_of(calendars, min(starts.values()), max(ends.values()))
        wanted = []
        for plan in plans:
            days, workdays = holidays.get(plan._recurrence_calendar(), (set(), None))
            wanted += [
                (plan, day)
                for day in plan._recurrence_dates(starts[plan], ends[plan], days, workdays)
            ]
        existing = plans._recurrence_existing_keys(wanted)
        todo = [(plan, day) for plan, day in wanted if (plan.id, day) not in existing]
        created = Target.browse()
        if todo:
            created = Target.with_context(
                tracking_disable=True, mail_create_nolog=True, mail_create_nosubscribe=True
            ).create(plans._recurrence_prepare_targets(todo))
        for end, group in _group(plans, lambda p: ends[p]).items():
            moved = group.filtered(
                lambda p, e=end: not p.recurrence_last_date or p.recurrence_last_date < e
            )
            if moved:
                moved.sudo().write({"recurrence_last_date": end})
        return created

    def _recurrence_existing_keys(self, wanted):
        """(plan id, date) keys already generated, in one query."""
        if not wanted:
            return set()
        plan_field = self._recurrence_target_plan_field
        date_field = self._recurrence_target_date_field
        Target = self.env[self._recurrence_target_model].sudo().with_context(active_test=False)
        rows = Target._read_group(
            [
                (plan_field, "in", self.ids),
                (date_field, ">=", min(d for _p, d in wanted)),
                (date_field, "<=", max(d for _p, d in wanted)),
            ],
            [plan_field, f"{date_field}:day"],
        )
        return {(plan.id, fields.Date.to_date(day)) for plan, day in rows}

    def action_recurrence_generate(self):
        """Button: generate now up to the horizon."""
        self._recurrence_generate()
        return True

    def _recurrence_flag_missed(self, today=None):
        """Generated records past their date and not done become missed and are
        reported; they are never removed."""
        today = today or fields.Date.context_today(self)
        Target = self.env[self._recurrence_target_model].sudo()
        missed = Target.search(
            [
                (self._recurrence_target_plan_field, "in", self.ids),
                (self._recurrence_target_date_field, "<", today),
                *self._recurrence_target_open_domain(),
            ]
        )
        if missed:
            missed._recurrence_mark_missed()
            for plan, records in _group(
                missed, lambda r: r[self._recurrence_target_plan_field]
            ).items():
                plan._recurrence_notify_missed(records)
        return missed


def _next_working_day(day, holidays, workdays):
    for _i in range(366):
        day += timedelta(days=1)
        if day not in holidays and (workdays is None or day.weekday() in workdays):
            return day
    return day


def _group(records, key):
    result = {}
    for record in records:
        result.setdefault(key(record), records.browse())
        result[key(record)] |= record
    return result
