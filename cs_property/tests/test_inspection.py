from datetime import date, timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError

from .inspection_common import PIXEL, InspectionCase


class TestInspection(InspectionCase):
    def test_lines_copied_template_edits_do_not_rewrite(self):
        inspection = self._inspection()
        self.assertEqual(
            sorted(self._items(inspection).mapped("name")), sorted(["地面", "垃圾箱", "室内温度"])
        )
        inspection.action_start()
        self._answer(inspection)
        inspection.action_done()
        self.std_floor.requirement = "changed"
        self.template.standard_ids = [Command.unlink(self.std_bin.id)]
        self.assertEqual(len(self._items(inspection)), 3)
        self.assertEqual(
            inspection.line_ids.filtered(lambda ln: ln.standard_id == self.std_floor).requirement,
            "无尘土、无废弃物",
        )

    def test_score_and_measurement(self):
        inspection = self._inspection()
        inspection.action_start()
        self._answer(inspection, failed=self.std_temp)
        temp = inspection.line_ids.filtered(lambda ln: ln.standard_id == self.std_temp)
        self.assertEqual(temp.result, "fail")
        # weights: floor 2 + bin 1 pass, temperature 1 fails → 75 %
        self.assertAlmostEqual(inspection.score, 75.0)
        temp.result = "na"
        self.assertAlmostEqual(inspection.score, 100.0)
        self.assertEqual(inspection.failed_count, 0)

    def test_finish_guards(self):
        inspection = self._inspection()
        with self.assertRefused(UserError, "not possible now"):
            inspection.action_done()
        inspection.action_start()
        with self.assertRefused(UserError, "no result yet"):
            inspection.action_done()
        self._answer(inspection)
        inspection.line_ids.filtered(lambda ln: ln.check_type == "photo").photo = False
        with self.assertRefused(UserError, "requires a photo"):
            inspection.action_done()
        self._answer(inspection)
        inspection.signature = False
        with self.assertRefused(UserError, "signs"):
            inspection.action_done()
        self._answer(inspection)
        floor = inspection.line_ids.filtered(lambda ln: ln.standard_id == self.std_floor)
        floor.write({"result": "fail", "comment": False})
        with self.assertRefused(UserError, "photo or a comment"):
            inspection.action_done()
        with self.assertRefused(UserError, "directly"):
            inspection.with_user(self.user_inspector).write({"state": "done"})

    def test_late_inspection_and_handover(self):
        inspection = self._inspection(date_due="2026-03-02")
        inspection._recurrence_mark_missed()
        self.assertEqual(inspection.state, "missed")
        inspection.handover_to_id = self.user_inspector_2
        inspection.action_hand_over()
        self.assertEqual(inspection.inspector_id, self.user_inspector_2)
        self.assertEqual(inspection.handed_over_from_id, self.user_inspector)
        with self.assertRefused(UserError, "Hand Over To"):
            inspection.action_hand_over()
        with freeze_time("2026-03-05"):
            inspection.with_user(self.user_inspector_2).action_start()
            self._answer(inspection)
            inspection.with_user(self.user_inspector_2).action_done()
        self.assertTrue(inspection.is_late)
        self.assertEqual(inspection.late_days, 3)

    def test_cancel_and_severity_routing(self):
        inspection = self._inspection()
        inspection.action_cancel()
        self.assertEqual(inspection.state, "cancelled")
        inspection = self._inspection(date_due="2026-03-03")
        inspection.action_start()
        self._answer(inspection, failed=self.std_floor | self.std_bin | self.std_temp)
        lines = inspection.line_ids
        lines.filtered(lambda ln: ln.standard_id == self.std_floor).severity = "minor"
        lines.filtered(lambda ln: ln.standard_id == self.std_temp).severity = "serious"
        inspection.action_done()
        ncs = inspection.nonconformity_ids
        self.assertEqual(len(ncs), 3)
        minor = ncs.filtered(lambda n: n.severity == "minor")
        general = ncs.filtered(lambda n: n.severity == "general")
        serious = ncs.filtered(lambda n: n.severity == "serious")
        self.assertEqual((minor.state, minor.response, minor.name), ("closed", "verbal", "/"))
        self.assertEqual(general.response, "rectification")
        self.assertTrue(general.name.startswith("ZG"))
        self.assertEqual(general.team_id, self.team_cleaning)
        self.assertEqual(serious.team_id, self.team_engineering)
        self.assertEqual(serious.response, "fault_notice")
        self.assertTrue(general.sla_line_ids and serious.sla_line_ids)
        managers = self.estate_a._cs_managers()
        if managers:
            self.assertIn(managers[0], serious.activity_ids.user_id)
        self.assertIn(self.team_leader, general.activity_ids.user_id)
        numbers = (general | serious).sorted("id").mapped("name")
        self.assertEqual(int(numbers[1][-5:]) - int(numbers[0][-5:]), 1)


class TestNonconformityLoop(InspectionCase):
    def _notice(self, **line_vals):
        inspection = self._inspection()
        inspection.action_start()
        self._answer(inspection, failed=self.std_floor)
        inspection.line_ids.filtered(lambda ln: ln.standard_id == self.std_floor).write(line_vals)
        inspection.with_user(self.user_inspector).action_done()
        return inspection.nonconformity_ids

    def _photo(self, user=None):
        Attachment = self.env["ir.attachment"].with_user(user or self.env.user)
        return Attachment.create({"name": "after.png", "datas": PIXEL})

    def test_full_loop_and_refusals(self):
        notice = self._notice()
        self.assertEqual(notice.state, "issued")
        with self.assertRefused(UserError, "not possible now"):
            notice.with_user(self.user_inspector_2).action_reinspect_pass()
        with self.assertRefused(
            UserError, "“Acknowledge” can only be done by .*the responsible team"
        ):
            notice.with_user(self.user_inspector_2).action_acknowledge()
        notice.with_user(self.team_leader).action_acknowledge()
        self.assertEqual(notice.state, "acknowledged")
        with self.assertRefused(UserError, "photos"):
            notice.with_user(self.team_member).action_rectified()
        notice.with_user(self.team_member).write(
            {
                "rectification_note": "重新清洁",
                "rectification_photo_ids": [Command.link(self._photo(self.team_member).id)],
            }
        )
        notice.with_user(self.team_member).action_rectified()
        self.assertEqual(notice.rectified_by_id, self.team_member)
        # the team cannot close its own rectification
        with self.assertRefused(UserError, "can only be done by QA Inspector"):
            notice.with_user(self.team_member).action_reinspect_pass()
        with self.assertRefused(UserError, "directly"):
            notice.with_user(self.user_inspector).write({"state": "closed"})
        notice.with_user(self.user_inspector).action_reinspect_fail()
        self.assertEqual((notice.state, notice.reinspection_fail_count), ("issued", 1))
        notice.with_user(self.team_leader).action_acknowledge()
        notice.with_user(self.team_leader).action_rectified()
        notice.with_user(self.user_inspector).action_reinspect_pass()
        self.assertEqual(notice.state, "closed")
        self.assertEqual(notice.reinspection_count, 2)
        self.assertTrue(notice.on_time)
        self.assertFalse(notice.activity_ids)

    def test_own_rectification_not_reinspected(self):
        notice = self._notice()
        notice.action_acknowledge()
        notice.rectification_photo_ids = [Command.link(self._photo().id)]
        # a manager (also an inspector) rectified: someone else re-inspects
        notice.with_user(self.user_manager).action_rectified()
        with self.assertRefused(UserError, "someone else"):
            notice.with_user(self.user_manager).action_reinspect_pass()
        notice.with_user(self.user_inspector).action_reinspect_pass()
        self.assertEqual(notice.state, "closed")

    def test_late_rectification_and_cancel(self):
        notice = self._notice()
        notice.deadline = fields.Date.today() - timedelta(days=1)
        notice.action_acknowledge()
        notice.rectification_photo_ids = [Command.link(self._photo().id)]
        notice.with_user(self.team_leader).action_rectified()
        notice.with_user(self.user_inspector).action_reinspect_pass()
        self.assertFalse(notice.on_time)
        other = self._notice()
        with self.assertRefused(UserError, "“Cancel” can only be done by Customer Service Manager"):
            other.with_user(self.user_inspector).action_cancel()
        other.with_user(self.user_manager).action_cancel()
        self.assertEqual(other.state, "cancelled")

    def test_repeat_failures(self):
        first = self._notice()
        self.assertFalse(first.is_repeat)
        second = self._notice()
        self.assertTrue(second.is_repeat)
        self.env["ir.config_parameter"].set_param("cs_property.inspection_repeat_days", 0)
        third = self._notice()
        self.assertFalse(third.is_repeat)

    def test_repair_from_failed_item(self):
        self.env["cs.property.repair.category"].create({"name": "保洁", "team_type": "cleaning"})
        notice = self._notice()
        line = notice.line_id
        with self.assertRefused(UserError, "common area"):
            line.action_create_repair()
        line.facility_id = self.facility_a
        action = line.action_create_repair()
        repair = self.env["cs.property.repair"].browse(action["res_id"])
        self.assertEqual(repair.estate_id, self.estate_a)
        self.assertEqual(repair.channel, "patrol")
        self.assertEqual(notice.repair_id, repair)
        with self.assertRefused(UserError, "already exists"):
            line.action_create_repair()
        passed = notice.inspection_id.line_ids.filtered(lambda ln: ln.result == "pass")[:1]
        with self.assertRefused(UserError, "Only a failed item"):
            passed.action_create_repair()

    def _run(self, now):
        """The shipped SLA cron, as the scheduler runs it at ``now``."""
        with freeze_time(now):
            self.env["cs.property.sla.line"]._cron_sla_process()

    def test_sla_escalation_through_the_cron(self):
        self.estate_a.manager_id = self.user_manager
        notice = self._notice()
        line = notice.sla_line_ids.sorted("deadline")[:1]
        self.assertTrue(line)
        deadline = line.deadline
        self._run(deadline - timedelta(minutes=1))
        self.assertTrue(line.warned)
        warned = notice.activity_ids.filtered(lambda a: a.cs_step == "sla_warning")
        self.assertIn(self.team_leader, warned.user_id)
        self._run(deadline + timedelta(minutes=1))
        self.assertEqual(line.status, "failed")
        self.assertTrue(notice.sla_failed)
        escalated = notice.activity_ids.filtered(lambda a: a.cs_step == "sla_manager")
        self.assertIn(self.user_manager, escalated.user_id)
        self.assertIn("escalated to the department manager", notice.message_ids[:1].body or "")


class TestInspectionAccess(InspectionCase):
    def test_inspector_plans_and_inspects_in_own_estates(self):
        Plan = self.env["cs.property.inspection.plan"].with_user(self.user_inspector)
        plan = Plan.create(
            {
                "name": "Mine",
                "estate_id": self.estate_a.id,
                "template_id": self.template.id,
                "inspector_id": self.user_inspector.id,
            }
        )
        plan._recurrence_generate(date.today() + timedelta(days=2))
        self.assertEqual(len(plan.inspection_ids), 3)
        with self.assertRaises(AccessError):
            Plan.create(
                {
                    "name": "Not mine",
                    "estate_id": self.estate_b.id,
                    "template_id": self.template.id,
                    "inspector_id": self.user_inspector.id,
                }
            )
        other = self._inspection(estate_id=self.estate_b.id)
        Inspection = self.env["cs.property.inspection"].with_user(self.user_inspector)
        self.assertFalse(Inspection.search([("id", "=", other.id)]))
        self.assertTrue(Inspection.search([("plan_id", "=", plan.id)]))
        # a technician of another team does not plan
        with self.assertRaises(AccessError):
            self.env["cs.property.inspection.plan"].with_user(self.user_technician).search([])

    def test_teams_see_their_notices_managers_all(self):
        inspection = self._inspection()
        inspection.action_start()
        self._answer(inspection, failed=self.std_floor | self.std_temp)
        inspection.action_done()
        cleaning = inspection.nonconformity_ids.filtered(lambda n: n.team_id == self.team_cleaning)
        engineering = inspection.nonconformity_ids - cleaning
        Notice = self.env["cs.property.nonconformity"]
        self.assertEqual(
            Notice.with_user(self.team_member).search(
                [("id", "in", inspection.nonconformity_ids.ids)]
            ),
            cleaning,
        )
        with self.assertRaises(AccessError):
            Notice.with_user(self.user_plain).search([])
        self.assertEqual(
            Notice.with_user(self.user_manager).search(
                [("id", "in", inspection.nonconformity_ids.ids)]
            ),
            cleaning | engineering,
        )
        self.assertFalse(
            Notice.with_user(self.user_manager_2).search(
                [("id", "in", inspection.nonconformity_ids.ids)]
            )
        )
        with self.assertRaises(AccessError):
            engineering.with_user(self.team_member).action_acknowledge()
        # the team opens the inspection its notice comes from, not the others
        mine = cleaning.with_user(self.team_member)
        self.assertEqual(mine.inspection_id.display_name, inspection.display_name)
        self.assertTrue(mine.inspection_id.line_ids)
        other = self._inspection(date_due="2026-03-09")
        with self.assertRaises(AccessError):
            other.with_user(self.team_member).read(["date_due"])

    def test_lists_flat(self):
        plan = self._plan(recurrence_horizon=0)
        plan._recurrence_generate(date(2026, 3, 21))
        inspections = plan.inspection_ids
        self.assertEqual(len(inspections), 80)
        self.assertListQueriesFlat(
            inspections,
            [
                "date_due",
                "estate_id",
                "kind",
                "template_id",
                "inspector_id",
                "score",
                "failed_count",
                "is_late",
                "state",
            ],
            self.user_inspector,
            4,
        )

    def test_notice_lists_flat(self):
        notices = self.env["cs.property.nonconformity"].create(
            [
                {
                    "estate_id": self.estate_a.id,
                    "service": "cleaning",
                    "area": "大堂",
                    "item": f"地面 {i}",
                    "team_id": self.team_cleaning.id,
                    "inspector_id": self.user_inspector.id,
                    "severity": "general",
                }
                for i in range(80)
            ]
        )
        self.assertListQueriesFlat(
            notices,
            [
                "name",
                "create_date",
                "estate_id",
                "service",
                "area",
                "item",
                "severity",
                "team_id",
                "deadline",
                "is_repeat",
                "state",
                "sla_failed",
            ],
            self.user_inspector,
            4,
        )
