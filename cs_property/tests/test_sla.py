from datetime import datetime

from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.fields import Datetime

from .common import CsPropertyCase

# Asia/Shanghai is UTC+8 all year: Friday 2026-03-06 16:00 local = 08:00 UTC.
FRIDAY_16H = datetime(2026, 3, 6, 8, 0)


class SlaCase(CsPropertyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.calendar = cls.env["resource.calendar"].create(
            {"name": "Office hours Shanghai", "tz": "Asia/Shanghai"}
        )
        cls.estate_a.resource_calendar_id = cls.calendar
        cls.category = cls.env["cs.property.complaint.category"].create(
            {"name": "SLA test", "complaint_type": "environment"}
        )
        cls.policy = cls.env["cs.property.sla.policy"].create(
            {
                "name": "Test policy",
                "sequence": 1,
                "model_id": cls.env["ir.model"]._get_id("cs.property.complaint"),
                "domain": f"[('category_id', '=', {cls.category.id})]",
                "target_ids": [
                    (0, 0, {"name": "Response", "hours": 4, "reach_states": "assessed"}),
                    (
                        0,
                        0,
                        {
                            "name": "Resolution",
                            "sequence": 20,
                            "hours": 16,
                            "reach_states": "done,closed",
                            "pause_states": "approved",
                        },
                    ),
                ],
            }
        )
        cls.team = cls.env["cs.property.team"].create(
            {
                "estate_id": cls.estate_a.id,
                "name": "环境组",
                "team_type": "cleaning",
                "leader_id": cls.user_manager.id,
            }
        )

    def _complaint(self, received=FRIDAY_16H, **vals):
        return self.env["cs.property.complaint"].create(
            {
                "estate_id": self.estate_a.id,
                "partner_id": self.owner.id,
                "unit_id": self.unit_a101.id,
                "complaint_type": "environment",
                "category_id": self.category.id,
                "description": "<p>Rubbish not collected</p>",
                "received_at": received,
                **vals,
            }
        )

    def _line(self, complaint, name):
        return complaint.sla_line_ids.filtered(lambda ln: ln.name == name)


class TestSlaEngine(SlaCase):
    def test_deadlines_count_working_hours(self):
        complaint = self._complaint()
        response = self._line(complaint, "Response")
        # 1 h on Friday 16-17, then 3 h on Monday from 08:00: 11:00 local = 03:00 UTC
        self.assertEqual(response.deadline, datetime(2026, 3, 9, 3, 0))
        resolution = self._line(complaint, "Resolution")
        # 1 h Friday + 8 h Monday + 7 h Tuesday -> Tuesday 16:00 local
        self.assertEqual(resolution.deadline, datetime(2026, 3, 10, 8, 0))
        self.assertEqual(complaint.sla_deadline, response.deadline, "earliest running deadline")
        self.assertEqual(response.estate_id, self.estate_a)

    def test_public_holidays_are_not_working_time(self):
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Holiday",
                "calendar_id": self.calendar.id,
                "date_from": datetime(2026, 3, 8, 16, 0),  # Monday 00:00 local
                "date_to": datetime(2026, 3, 9, 15, 59, 59),
            }
        )
        complaint = self._complaint()
        self.assertEqual(self._line(complaint, "Response").deadline, datetime(2026, 3, 10, 3, 0))

    def test_met_failed_and_failed_stays_failed(self):
        with freeze_time("2026-03-09 02:00:00"):
            complaint = self._complaint(team_id=self.team.id, deadline="2026-03-12 08:00:00")
            complaint.action_assess()
        response = self._line(complaint, "Response")
        self.assertEqual(response.status, "met")
        self.assertEqual(response.date_reached, datetime(2026, 3, 9, 2, 0))
        self.assertEqual(complaint.sla_deadline, self._line(complaint, "Resolution").deadline)

        late = self._complaint()
        with freeze_time("2026-03-09 04:00:00"):
            self._line(late, "Response")._sla_escalate(1)
        self.assertEqual(self._line(late, "Response").status, "failed")
        self.assertTrue(late.sla_failed)
        with freeze_time("2026-03-09 05:00:00"):
            late.write({"team_id": self.team.id, "deadline": "2026-03-12 08:00:00"})
            late.action_assess()
        self.assertEqual(
            self._line(late, "Response").status, "failed", "a failed line stays failed"
        )

    def test_reached_after_deadline_without_cron_is_failed(self):
        complaint = self._complaint(team_id=self.team.id, deadline="2026-03-20 08:00:00")
        with freeze_time("2026-03-09 03:30:00"):
            complaint.action_assess()
        self.assertEqual(self._line(complaint, "Response").status, "failed")

    def test_pause_and_resume_move_the_deadline(self):
        complaint = self._complaint()
        resolution = self._line(complaint, "Resolution")
        self.assertEqual(resolution.deadline, datetime(2026, 3, 10, 8, 0))
        # paused on Monday 12:00 local (04:00 UTC) with 1 + 4 = 5 h consumed: 11 h left
        with freeze_time("2026-03-09 04:00:00"):
            complaint.write({"state": "approved"})
        self.assertEqual(resolution.status, "paused")
        self.assertAlmostEqual(resolution.remaining_hours, 11.0)
        self.assertEqual(
            complaint.sla_deadline,
            self._line(complaint, "Response").deadline,
            "a paused clock does not count for the earliest deadline",
        )
        # resumed Wednesday 08:00 local: 8 h on Wednesday, 3 h on Thursday -> 11:00 local
        with freeze_time("2026-03-11 00:00:00"):
            complaint.write({"state": "in_progress"})
        self.assertEqual(resolution.status, "running")
        self.assertEqual(resolution.deadline, datetime(2026, 3, 12, 3, 0))

    def test_recompute_deadlines_after_calendar_change(self):
        complaint = self._complaint()
        line = self._line(complaint, "Response")
        line.target_id.hours = 2
        line._recompute_deadlines()
        self.assertEqual(line.deadline, datetime(2026, 3, 9, 1, 0))

    def test_first_matching_policy_wins(self):
        major = self.env.ref("cs_property.sla_policy_complaint_major")
        general = self.env.ref("cs_property.sla_policy_complaint_general")
        complaint = self._complaint(category_id=False)
        self.assertEqual(complaint.sla_line_ids.policy_id, general)
        self.assertEqual(len(complaint.sla_line_ids), len(general.target_ids))
        serious = self._complaint(category_id=False, severity="major", major_reason="media")
        self.assertEqual(serious.sla_line_ids.policy_id, major)
        self.assertEqual(complaint._sla_apply(), self.env["cs.property.sla.line"], "applied once")
        other_estate = self.env["cs.property.sla.policy"].create(
            {
                "name": "Estate B only",
                "sequence": 0,
                "model_id": self.policy.model_id.id,
                "estate_ids": [(4, self.estate_b.id)],
                "target_ids": [(0, 0, {"name": "X", "hours": 1, "reach_states": "done"})],
            }
        )
        self.assertNotIn(other_estate, self._complaint().sla_line_ids.policy_id)

    def test_policy_configuration_refusals(self):
        with self.assertRefused(ValidationError, "criteria are not a valid domain"):
            self.policy.domain = "[('no_such_field', '=', 1)]"
        target = self.policy.target_ids[0]
        with self.assertRefused(ValidationError, "must be greater than zero"):
            target.hours = 0
        with self.assertRefused(ValidationError, "unknown states finished"):
            target.reach_states = "done,finished"
        with self.assertRefused(ValidationError, "cannot both pause and reach"):
            target.pause_states = "assessed"
        self.assertEqual(target.hours, 4)


class TestSlaAutomation(SlaCase):
    """The shipped time-based automation rules warn and escalate."""

    def _run(self, xmlid, now):
        automation = self.env.ref(xmlid)
        with freeze_time(now):
            records = automation._search_time_based_automation_records(until=Datetime.now())
            automation._process(records)
        return records

    def test_warning_then_escalations(self):
        complaint = self._complaint(team_id=self.team.id)
        response = self._line(complaint, "Response")  # deadline Monday 03:00 UTC
        self.assertIn(response, self._run("cs_property.automation_sla_warning", "2026-03-09 00:00"))
        self.assertTrue(response.warned)
        warning = self.env.ref("mail.mail_activity_data_warning")
        self.assertTrue(
            complaint.activity_ids.filtered(
                lambda a: a.activity_type_id == warning and a.user_id == self.user_manager
            )
        )
        self.assertIn(
            response, self._run("cs_property.automation_sla_escalation_1", "2026-03-09 03:01")
        )
        self.assertEqual(response.status, "failed")
        self.assertEqual(response.escalation_level, 1)
        self.estate_a.manager_id = self.user_manager
        self.assertIn(
            response, self._run("cs_property.automation_sla_escalation_2", "2026-03-10 03:01")
        )
        self.assertEqual(response.escalation_level, 2)
        self.assertIn(self.user_manager.partner_id, complaint.message_partner_ids)

    def test_met_lines_are_not_escalated(self):
        complaint = self._complaint(team_id=self.team.id, deadline="2026-03-12 08:00:00")
        with freeze_time("2026-03-09 01:00:00"):
            complaint.action_assess()
        response = self._line(complaint, "Response")
        self.assertNotIn(
            response, self._run("cs_property.automation_sla_escalation_1", "2026-03-09 03:01")
        )
        self.assertEqual(response.escalation_level, 0)
