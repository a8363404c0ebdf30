from datetime import date, timedelta

from odoo import fields

from .inspection_common import InspectionCase


class TestInspectionFigures(InspectionCase):
    def _done(self, day, failed=(), kind="office"):
        inspection = self._inspection(date_due=day, kind=kind)
        inspection.action_start()
        self._answer(inspection, failed=failed)
        inspection.action_done()
        return inspection

    def test_month_stats_and_reports(self):
        today = fields.Date.today()
        first = today.replace(day=1)
        self._done(first, failed=self.std_floor, kind="company")
        self._done(first + timedelta(days=1))
        missed = self._inspection(date_due=first + timedelta(days=2))
        missed._recurrence_mark_missed()
        notice = self.env["cs.property.nonconformity"].search(
            [("estate_id", "=", self.estate_a.id)]
        )
        self.assertEqual(len(notice), 1)
        stats = self.estate_a._inspection_month_stats(today)[self.estate_a.id]
        self.assertEqual((stats["planned"], stats["done"], stats["missed"]), (3, 2, 1))
        scores = dict(stats["scores"])
        # cleaning: floor (2) failed once, bin (1) passed twice, floor passed once → 4/6
        self.assertAlmostEqual(scores["Cleaning"], 100.0 * 4 / 6)
        self.assertEqual(stats["notices"][0][3], 1)
        self.assertTrue(1 <= stats["weekly_rank"] <= stats["weekly_ranked"])
        html, _type = self.env["ir.actions.report"]._render_qweb_html(
            "cs_property.action_report_inspection_month",
            self.estate_a.ids,
            data={"month": str(first)},
        )
        self.assertIn("Monthly QA Report", html.decode())
        estate = self.estate_a.with_context(discard_logo_check=True)
        action = estate.action_print_qa_report(first)
        self.assertEqual(action["data"]["month"], str(first))
        html, _type = self.env["ir.actions.report"]._render_qweb_html(
            "cs_property.action_report_nonconformity", notice.ids
        )
        self.assertIn(notice.name, html.decode())

    def test_cron_and_generate_button(self):
        cron = self.env.ref("cs_property.ir_cron_inspection_generate")
        self.assertIn("_cron_generate", cron.code)
        plan = self._plan(recurrence_start=fields.Date.today(), recurrence_horizon=2)
        self.assertTrue(plan.action_recurrence_generate())
        self.assertEqual(plan.inspection_count, 3)
        action = plan.action_view_inspections()
        self.assertEqual(action["domain"], [("plan_id", "=", plan.id)])

    def test_demo_history_helper(self):
        plan = self._plan(recurrence_horizon=0)
        self.team_engineering.leader_id = self.user_technician
        self.env["cs.property.inspection.plan"]._demo_play_history(plan.ids, days=20)
        inspections = plan.inspection_ids
        self.assertEqual(len(inspections), 21)
        self.assertEqual(set(inspections.mapped("state")), {"done", "missed", "planned"})
        self.assertTrue(inspections.filtered("is_late"))


class TestInspectionDemo(InspectionCase):
    def test_demo_month_of_history(self):
        plan = self.env.ref("cs_property.demo_plan_cuihu_daily", raise_if_not_found=False)
        if not plan:
            self.skipTest("demo data not installed")
        today = fields.Date.today()
        self.assertLessEqual(
            min(plan.inspection_ids.mapped("date_due")), today - timedelta(days=29)
        )
        self.assertTrue(plan.inspection_ids.filtered(lambda i: i.state == "missed"))
        notices = self.env["cs.property.nonconformity"].search([])
        self.assertEqual(
            set(notices.mapped("state")),
            {"issued", "acknowledged", "rectified", "closed", "cancelled"},
        )
        weekly = self.env.ref("cs_property.demo_plan_cuihu_weekly").inspection_ids
        self.assertTrue(weekly)
        self.assertEqual({d.weekday() for d in weekly.mapped("date_due")} - {1, 2}, set())
        self.assertGreaterEqual(self.env["cs.property.inspection.standard"].search_count([]), 40)
        self.assertIsInstance(plan.recurrence_last_date, date)
