from datetime import date, datetime

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo.exceptions import ValidationError
from odoo.tools import mute_logger

from .inspection_common import InspectionCase


class TestInspectionRecurrence(InspectionCase):
    def _dates(self, plan):
        return sorted(plan.inspection_ids.mapped("date_due"))

    def test_daily_horizon(self):
        plan = self._plan()
        created = plan._recurrence_generate(date(2026, 1, 7))
        self.assertEqual(len(created), 7)
        self.assertEqual(self._dates(plan)[-1], date(2026, 1, 7))
        self.assertEqual(plan.recurrence_last_date, date(2026, 1, 7))
        # lines are a copy of the template's items
        self.assertEqual(len(self._items(created[0])), 3)

    def test_horizon_from_today(self):
        plan = self._plan(recurrence_horizon=3, recurrence_start="2026-03-01")
        with freeze_time("2026-03-10"):
            plan._recurrence_generate()
        self.assertEqual(self._dates(plan)[-1], date(2026, 3, 13))

    def test_weekly_weekdays(self):
        plan = self._plan(recurrence_type="weekly", recurrence_mo=True, recurrence_th=True)
        plan._recurrence_generate(date(2026, 1, 31))
        days = self._dates(plan)
        self.assertTrue(days)
        self.assertEqual({d.weekday() for d in days}, {0, 3})
        self.assertEqual(len(days), 9)  # Jan 2026: 4 Mondays and 5 Thursdays

    def test_weekly_needs_a_weekday(self):
        with self.assertRefused(ValidationError, "weekday"):
            self._plan(recurrence_type="weekly")

    def test_month_end(self):
        plan = self._plan(recurrence_type="monthly", recurrence_month_day=31)
        plan._recurrence_generate(date(2026, 5, 31))
        self.assertEqual(
            self._dates(plan),
            [
                date(2026, 1, 31),
                date(2026, 2, 28),
                date(2026, 3, 31),
                date(2026, 4, 30),
                date(2026, 5, 31),
            ],
        )

    def test_custom_rrule_and_exclusions(self):
        plan = self._plan(
            recurrence_type="custom",
            recurrence_rrule="FREQ=MONTHLY;BYDAY=1MO",
            recurrence_exdates="2026-02-02",
        )
        plan._recurrence_generate(date(2026, 3, 31))
        self.assertEqual(self._dates(plan), [date(2026, 1, 5), date(2026, 3, 2)])

    def test_invalid_rrule_refused(self):
        with self.assertRefused(ValidationError, "not valid"):
            self._plan(recurrence_type="custom", recurrence_rrule="FREQ=SOMETIMES")
        with self.assertRefused(ValidationError, "not valid"):
            self._plan(recurrence_exdates="2026-13-45")

    def _holiday(self, day):
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Holiday",
                "calendar_id": self.estate_a.resource_calendar_id.id,
                "date_from": datetime.combine(day, datetime.min.time()),
                "date_to": datetime.combine(day, datetime.max.time().replace(microsecond=0)),
            }
        )

    def test_holidays_skipped_or_moved(self):
        self.estate_a.resource_calendar_id.tz = "UTC"
        self._holiday(date(2026, 1, 2))  # Friday
        skip = self._plan(recurrence_holidays="skip")
        move = self._plan(
            name="Move", recurrence_type="weekly", recurrence_fr=True, recurrence_holidays="move"
        )
        keep = self._plan(name="Keep", recurrence_type="weekly", recurrence_fr=True)
        (skip | move | keep)._recurrence_generate(date(2026, 1, 9))
        self.assertNotIn(date(2026, 1, 2), self._dates(skip))
        self.assertEqual(len(self._dates(skip)), 8)
        # moved to the next working day: Monday (the calendar has no weekend work)
        self.assertEqual(self._dates(move), [date(2026, 1, 5), date(2026, 1, 9)])
        self.assertEqual(self._dates(keep), [date(2026, 1, 2), date(2026, 1, 9)])

    def test_idempotent_and_no_duplicates(self):
        plan = self._plan()
        plan._recurrence_generate(date(2026, 1, 10))
        again = plan._recurrence_generate(date(2026, 1, 10))
        self.assertFalse(again)
        # even with the bookmark lost, the (plan, date) key prevents duplicates
        plan.recurrence_last_date = False
        self.assertFalse(plan._recurrence_generate(date(2026, 1, 10)))
        self.assertEqual(len(plan.inspection_ids), 10)
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            self._inspection(plan_id=plan.id, date_due="2026-01-03")

    def test_catch_up_after_downtime_and_missed(self):
        plan = self._plan(recurrence_horizon=1)
        with freeze_time("2026-01-03"):
            plan._recurrence_generate()
        self.assertEqual(plan.recurrence_last_date, date(2026, 1, 4))
        # the scheduler stopped for a week: the next run fills the gap
        with freeze_time("2026-01-12"):
            self.env["cs.property.inspection.plan"]._cron_generate()
        days = self._dates(plan)
        self.assertEqual(days, [date(2026, 1, d) for d in range(1, 14)])
        missed = plan.inspection_ids.filtered(lambda i: i.state == "missed")
        self.assertEqual(
            sorted(missed.mapped("date_due")), [date(2026, 1, d) for d in range(1, 12)]
        )
        self.assertIn("missed", plan.message_ids[0].body)
        # flagged, never dropped; flagging again changes nothing
        with freeze_time("2026-01-12"):
            self.assertFalse(plan._recurrence_flag_missed())
        self.assertEqual(len(plan.inspection_ids), 13)

    def test_end_date_and_archived_plans(self):
        plan = self._plan(recurrence_end="2026-01-05")
        plan._recurrence_generate(date(2026, 1, 31))
        self.assertEqual(len(plan.inspection_ids), 5)
        other = self._plan(name="Off", active=False)
        self.assertFalse(other._recurrence_generate(date(2026, 1, 31)))

    def test_every_two_weeks_keeps_rhythm_across_runs(self):
        plan = self._plan(
            recurrence_type="weekly",
            recurrence_interval=2,
            recurrence_mo=True,
            recurrence_start="2026-01-05",
        )
        plan._recurrence_generate(date(2026, 1, 20))
        plan._recurrence_generate(date(2026, 2, 28))
        self.assertEqual(
            self._dates(plan),
            [date(2026, 1, 5), date(2026, 1, 19), date(2026, 2, 2), date(2026, 2, 16)],
        )
