"""Issue #15 §4: quality inspections' rules on the server, as the real roles
over RPC (``call_kw``)."""

from datetime import datetime, time, timedelta

from freezegun import freeze_time
from pytz import timezone

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.service.model import call_kw
from odoo.tests import Form

from .inspection_common import PIXEL, InspectionCase


def rpc(record, user, method, *args, **kwargs):
    """As the RPC layer calls a method (``call_kw``) for ``user``."""
    return call_kw(record.env[record._name].with_user(user), method, [record.ids, *args], kwargs)


class InspectionRulesCase(InspectionCase):
    def _finished(self, failed=(), day=None, **vals):
        inspection = self._inspection(**vals)
        if day:
            # replayed on its own date, as the demo's paper register does
            inspection = inspection.with_context(cs_inspection_date=str(day)).sudo()
        inspection.action_start()
        self._answer(inspection, failed=failed)
        inspection.action_done()
        return inspection.sudo(False).with_context(cs_inspection_date=None)

    def _measure(self, inspection):
        return inspection.line_ids.filtered(lambda ln: ln.standard_id == self.std_temp)


class TestMeasurementDecides(InspectionRulesCase):
    def test_out_of_tolerance_cannot_be_marked_pass(self):
        inspection = self._inspection()
        inspection.action_start()
        line = self._measure(inspection)
        rpc(line, self.user_inspector, "write", {"value": 41})
        self.assertEqual(line.result, "fail")
        with self.assertRefused(ValidationError, "outside its tolerance .*cannot be marked passed"):
            rpc(line, self.user_inspector, "write", {"result": "pass"})
        self.assertEqual(line.result, "fail")
        # not in the same write either
        with self.assertRefused(ValidationError, "outside its tolerance"):
            rpc(line, self.user_manager, "write", {"value": 50, "result": "pass"})
        self.assertEqual((line.value, line.result), (41, "fail"))
        # within the tolerance it passes (the measurement decides)
        rpc(line, self.user_inspector, "write", {"value": 30})
        self.assertEqual(line.result, "pass")

    def test_onchange_puts_the_result_back_to_fail(self):
        inspection = self._inspection()
        inspection.action_start()
        line = self._measure(inspection).with_user(self.user_inspector)
        line.value = 41
        with Form(line) as form:
            form.result = "pass"
            self.assertEqual(form.result, "fail")
        self.assertEqual(line.result, "fail")


class TestFinishedInspectionLocked(InspectionRulesCase):
    def test_items_answers_and_score_frozen_once_finished(self):
        inspection = self._finished(failed=self.std_floor)
        self.assertEqual(inspection.state, "done")
        score = inspection.score
        month = inspection.date_due
        before = self.estate_a._inspection_month_stats(month)[self.estate_a.id]
        floor = inspection.line_ids.filtered(lambda ln: ln.standard_id == self.std_floor)
        for user in (self.user_inspector, self.user_manager):
            with self.assertRefused(UserError, "is “Inspected”: Items can no longer be changed"):
                rpc(floor, user, "write", {"result": "pass"})
            with self.assertRefused(UserError, "can no longer be changed"):
                rpc(self._measure(inspection), user, "write", {"value": 99})
            with self.assertRefused(UserError, "can no longer be changed"):
                rpc(inspection, user, "write", {"signature": False})
            with self.assertRefused(UserError, "can no longer be changed"):
                rpc(
                    inspection,
                    user,
                    "write",
                    {"line_ids": [Command.update(floor.id, {"comment": "改"})]},
                )
        self.env.invalidate_all()
        self.assertEqual(floor.result, "fail")
        self.assertEqual(inspection.score, score)
        self.assertTrue(inspection.signature)
        after = self.estate_a._inspection_month_stats(month)[self.estate_a.id]
        self.assertEqual(after["scores"], before["scores"])
        # what follows the finding stays possible: the place and the repair order
        rpc(floor, self.user_inspector, "write", {"facility_id": self.facility_a.id})
        self.assertEqual(floor.facility_id, self.facility_a)


class TestRectifyByIsTheSlaDeadline(InspectionRulesCase):
    def _calendar(self, notice):
        return notice._sla_calendar()

    def _working_day(self, calendar, day):
        tz = timezone(calendar.tz or "UTC")
        start = tz.localize(datetime.combine(day, time.min))
        end = tz.localize(datetime.combine(day, time.max))
        return calendar.get_work_hours_count(start, end, compute_leaves=True) > 0

    def _local_date(self, calendar, dt):
        tz = timezone(calendar.tz or "UTC")
        return timezone("UTC").localize(dt).astimezone(tz).date()

    def test_default_is_working_days_of_the_estate_calendar(self):
        notice = self._finished(failed=self.std_floor).nonconformity_ids
        calendar = self._calendar(notice)
        expected, day, count = None, notice.date_found, 0
        while count < 3:
            day += timedelta(days=1)
            if self._working_day(calendar, day):
                count += 1
                expected = day
        self.assertEqual(notice.deadline, expected)
        rectify = notice._sla_rectify_lines()
        self.assertEqual(len(rectify), 1)
        self.assertEqual(self._local_date(calendar, rectify.deadline), notice.deadline)

    def test_moving_the_date_moves_the_escalation_clock(self):
        self.estate_a.manager_id = self.user_manager
        notice = self._finished(failed=self.std_floor).nonconformity_ids
        rectify = notice._sla_rectify_lines()
        calendar = self._calendar(notice)
        first = rectify.deadline
        with freeze_time(first + timedelta(hours=1)):
            self.env["cs.property.sla.line"]._cron_sla_process()
        self.assertEqual((rectify.status, rectify.escalation_level), ("failed", 1))
        # extended by a week: the clock runs again until the new date's end
        new_date = notice.deadline + timedelta(days=7)
        with freeze_time(first + timedelta(hours=2)):
            rpc(notice, self.user_inspector, "write", {"deadline": str(new_date)})
        self.assertEqual(self._local_date(calendar, rectify.deadline), new_date)
        self.assertEqual((rectify.status, rectify.escalation_level), ("running", 0))
        self.assertFalse(rectify.warned)
        self.assertEqual(
            notice.sla_deadline,
            min(notice.sla_line_ids.filtered(lambda ln: ln.status == "running").mapped("deadline")),
        )
        with freeze_time(first + timedelta(hours=3)):
            self.env["cs.property.sla.line"]._cron_sla_process()
        self.assertEqual(rectify.status, "running")
        with freeze_time(rectify.deadline + timedelta(minutes=1)):
            self.env["cs.property.sla.line"]._cron_sla_process()
        self.assertEqual(rectify.status, "failed")

    def test_field_help_says_which_calendar(self):
        field = self.env["cs.property.nonconformity"]._fields["deadline"]
        self.assertIn("working days of the estate's calendar", field.help)


class TestOneClickRepair(InspectionRulesCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Category = cls.env["cs.property.repair.category"]
        # an engineering category comes first: it must not be taken for a cleaning fault
        Category.create({"name": "AAA 工程", "team_type": "engineering", "sequence": 1})
        cls.category_cleaning = Category.create(
            {"name": "保洁维修", "team_type": "cleaning", "sequence": 50}
        )

    def _notice(self):
        inspection = self._finished(failed=self.std_floor)
        notice = inspection.nonconformity_ids
        notice.line_id.with_user(self.user_inspector).facility_id = self.facility_a
        return notice

    def test_inspector_who_found_it_raises_it_from_the_notice(self):
        notice = self._notice()
        Repair = self.env["cs.property.repair"]
        # no right widened: the inspector still creates no service order directly
        with self.assertRaises(AccessError):
            call_kw(
                Repair.with_user(self.user_inspector),
                "create",
                [
                    {
                        "estate_id": self.estate_a.id,
                        "description": "x",
                        "category_id": self.category_cleaning.id,
                    }
                ],
                {},
            )
        for user in (self.user_inspector_2, self.user_technician):
            with self.assertRefused(
                UserError, "can only be done by .*the QA inspector who found the fault"
            ):
                rpc(notice, user, "action_create_repair")
        self.assertFalse(notice.repair_id)
        self.assertFalse(Repair.search([("nonconformity_id", "=", notice.id)]))
        result = rpc(notice, self.user_inspector, "action_create_repair")
        self.assertTrue(result)
        repair = notice.repair_id
        self.assertTrue(repair)
        self.assertEqual(repair.category_id, self.category_cleaning)
        self.assertEqual(repair.team_id, self.team_cleaning)
        self.assertEqual(repair.facility_id, self.facility_a)
        self.assertEqual(repair.nonconformity_id, notice)
        self.assertEqual(repair.create_uid, self.user_inspector)
        with self.assertRefused(UserError, "already exists"):
            rpc(notice, self.user_inspector, "action_create_repair")

    def test_no_category_of_the_service_refused(self):
        self.category_cleaning.active = False
        notice = self._notice()
        with self.assertRefused(UserError, "no repair category is handled by the “Cleaning”"):
            rpc(notice, self.user_inspector, "action_create_repair")
        self.assertFalse(notice.repair_id)

    def test_completion_reported_back_to_the_rectification(self):
        notice = self._notice()
        notice.with_user(self.team_leader).action_acknowledge()
        rpc(notice, self.user_inspector, "action_create_repair")
        repair = notice.repair_id.sudo()
        photo = self.env["ir.attachment"].create({"name": "after.png", "datas": PIXEL})
        repair._set_state("in_progress")
        repair.write(
            {
                "customer_comment": "OK",
                "work_done": "更换地砖",
                "photo_after_ids": [Command.link(photo.id)],
            }
        )
        repair.action_done()
        self.assertIn(repair.name, notice.rectification_note)
        self.assertIn("更换地砖", notice.rectification_note)
        self.assertIn(photo, notice.sudo().rectification_photo_ids)
        self.assertEqual(notice.repair_state, "done")
        self.assertIn(f"Repair order {repair.name} is done", notice.message_ids[:1].body)
        # the team reports the rectification with that evidence
        notice.with_user(self.team_leader).action_rectified()
        self.assertEqual(notice.state, "rectified")


class TestMonthlyQaReport(InspectionRulesCase):
    def test_open_past_deadline_counts_as_not_on_time(self):
        today = fields.Date.today()
        first = self._finished(failed=self.std_floor).nonconformity_ids
        second = self._finished(failed=self.std_floor).nonconformity_ids
        # the first rectified and closed in time
        first.with_user(self.team_leader).action_acknowledge()
        first.rectification_photo_ids = [
            Command.link(self.env["ir.attachment"].create({"name": "a", "datas": PIXEL}).id)
        ]
        first.with_user(self.team_leader).action_rectified()
        first.with_user(self.user_inspector).action_reinspect_pass()
        self.assertTrue(first.on_time)
        stats = self.estate_a._inspection_month_stats(today)[self.estate_a.id]
        self.assertEqual((stats["on_time_rate"], stats["late_open"]), (100.0, 0))
        # the second is still open after its deadline: not on time, right away
        second.deadline = today - timedelta(days=1)
        self.assertTrue(second.is_overdue)
        self.assertIn(second, second.search([("is_overdue", "=", True)]))
        stats = self.estate_a._inspection_month_stats(today)[self.estate_a.id]
        self.assertEqual((stats["on_time_rate"], stats["late_open"]), (50.0, 1))

    def test_rank_among_all_estates_of_the_company_whoever_prints(self):
        month = fields.Date.to_date("2026-03-02")
        # estate B (100 %) does better than estate A (a failed item)
        self._finished(failed=self.std_floor, kind="company")
        self._finished(kind="company", estate_id=self.estate_b.id)
        stats_for = {}
        for user in (self.user_agent, self.user_inspector, self.user_manager):
            estate = self.estate_a.with_user(user)
            stats_for[user] = estate._inspection_month_stats(month)[self.estate_a.id]
        for stats in stats_for.values():
            self.assertEqual((stats["weekly_rank"], stats["weekly_ranked"]), (2, 2))
        # the agent does not see estate B, yet it is ranked among both
        self.assertFalse(
            self.env["cs.property.estate"]
            .with_user(self.user_agent)
            .search([("id", "=", self.estate_b.id)])
        )

    def test_findings_dated_by_their_inspection(self):
        day = fields.Date.to_date("2026-03-02")
        inspection = self._finished(failed=self.std_floor, day=day)
        notice = inspection.nonconformity_ids
        self.assertEqual(notice.date_found, day)
        self.assertNotEqual(notice.create_date.date(), day)
        march = self.estate_a._inspection_month_stats(day)[self.estate_a.id]
        self.assertEqual(sum(row[3] for row in march["notices"]), 1)
        this_month = self.estate_a._inspection_month_stats(fields.Date.today())
        self.assertEqual(this_month[self.estate_a.id]["notices"], [])


class TestDemoQaReport(InspectionCase):
    def test_demo_notices_dated_by_their_inspections_in_last_months_report(self):
        plan = self.env.ref("cs_property.demo_plan_cuihu_daily", raise_if_not_found=False)
        if not plan:
            self.skipTest("demo data not installed")
        notices = self.env["cs.property.nonconformity"].search(
            [("inspection_id.plan_id", "!=", False)]
        )
        self.assertTrue(notices)
        for notice in notices:
            inspection = notice.inspection_id
            self.assertEqual(
                notice.date_found, inspection.date_due + timedelta(days=inspection.late_days)
            )
        last_month = fields.Date.today().replace(day=1) - timedelta(days=1)
        estates = notices.estate_id
        stats = estates._inspection_month_stats(last_month)
        self.assertTrue(any(stats[e.id]["notices"] for e in estates))
