from datetime import datetime

from freezegun import freeze_time

from odoo.exceptions import ValidationError

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
    """The shipped SLA cron warns and escalates, with the delays of each target."""

    def _run(self, now):
        with freeze_time(now):
            self.env["cs.property.sla.line"]._cron_sla_process()

    def _activities(self, record, step, user=None):
        return record.activity_ids.filtered(
            lambda a: a.cs_step == step and (not user or a.user_id == user)
        )

    def test_shipped_cron_runs_the_batch(self):
        cron = self.env.ref("cs_property.cron_sla_process")
        self.assertEqual(cron.model_id.model, "cs.property.sla.line")
        self.assertIn("_cron_sla_process", cron.code)

    def test_warning_then_escalations(self):
        complaint = self._complaint(team_id=self.team.id)
        response = self._line(complaint, "Response")  # deadline Monday 03:00 UTC
        self._run("2026-03-08 22:00")  # 5 h before: too early for a 4 h warning
        self.assertFalse(response.warned)
        self._run("2026-03-09 00:00")
        self.assertTrue(response.warned)
        warning = self.env.ref("mail.mail_activity_data_warning")
        activity = self._activities(complaint, "sla_warning", self.user_manager)
        self.assertEqual(activity.activity_type_id, warning)
        self.assertIn("Response", activity.summary)
        self._run("2026-03-09 01:00")
        self.assertEqual(
            len(self._activities(complaint, "sla_warning", self.user_manager)), 1, "warned once"
        )
        self._run("2026-03-09 03:01")
        self.assertEqual(response.status, "failed")
        self.assertEqual(response.escalation_level, 1)
        self.assertTrue(self._activities(complaint, "sla_leader", self.user_manager))
        notes = complaint.message_ids.filtered(lambda m: "escalated to the team leader" in m.body)
        self.assertEqual(len(notes), 1)
        self.estate_a.manager_id = self.user_manager
        self._run("2026-03-10 02:59")  # 23 h 59 after the deadline: not yet
        self.assertEqual(response.escalation_level, 1)
        self._run("2026-03-10 03:01")
        self.assertEqual(response.escalation_level, 2)
        self.assertIn(self.user_manager.partner_id, complaint.message_partner_ids)
        self.assertTrue(self._activities(complaint, "sla_manager", self.user_manager))
        self._run("2026-03-11 03:01")
        self.assertEqual(
            len(complaint.message_ids.filtered(lambda m: "CS manager" in m.body)),
            1,
            "each escalation happens once",
        )

    def test_met_lines_are_not_escalated(self):
        complaint = self._complaint(team_id=self.team.id, deadline="2026-03-12 08:00:00")
        with freeze_time("2026-03-09 01:00:00"):
            complaint.action_assess()
        response = self._line(complaint, "Response")
        self._run("2026-03-09 03:01")
        self.assertEqual(response.escalation_level, 0)
        self.assertEqual(response.status, "met")

    def test_delays_are_tuned_per_target(self):
        complaint = self._complaint(team_id=self.team.id)
        response = self._line(complaint, "Response")  # deadline Monday 03:00 UTC
        response.target_id.write({"warning_hours": 0, "escalation_hours": 2})
        self._run("2026-03-09 02:59")
        self.assertFalse(response.warned, "no warning hours: no warning")
        self._run("2026-03-09 05:01")
        self.assertEqual(response.escalation_level, 2, "manager after 2 h")
        with self.assertRefused(ValidationError, "cannot be negative"):
            response.target_id.escalation_hours = -1

    def test_catching_up_goes_to_the_right_level_once(self):
        """After a downtime, a line found a day late goes to the manager directly."""
        self.estate_a.manager_id = self.user_manager
        complaint = self._complaint(team_id=self.team.id)
        self._run("2026-03-11 09:00")  # both targets more than a day late
        self.assertEqual(set(complaint.sla_line_ids.mapped("escalation_level")), {2})
        response = self._line(complaint, "Response")
        self.assertFalse(response.warned, "no warning for a line already late")
        self.assertFalse(self._activities(complaint, "sla_leader"))
        self.assertTrue(self._activities(complaint, "sla_manager", self.user_manager))

    def test_closing_closes_the_sla_activities(self):
        complaint = self._complaint(team_id=self.team.id)
        self._run("2026-03-09 03:01")
        self.assertTrue(self._activities(complaint, "sla_leader"))
        complaint.write({"explanation": "Not ours"})
        complaint.action_close_unreasonable()
        self.assertFalse(
            complaint.activity_ids.filtered(lambda a: a.cs_step and a.cs_step.startswith("sla_")),
            "a closed complaint keeps no SLA activity",
        )

    def test_notes_and_summaries_in_the_recipients_language(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["cs_property"], ["zh_CN"])
        self.user_manager.lang = "zh_CN"
        complaint = self._complaint(team_id=self.team.id)
        self._run("2026-03-09 03:01")
        activity = self._activities(complaint, "sla_leader", self.user_manager)
        self.assertIn("组长", activity.summary)
        self.assertNotIn("escalated", complaint.message_ids[0].body)


class TestSlaAtScale(SlaCase):
    """Escalation is batched: queries grow by at most 5 per escalated record."""

    def _breaches(self, n):
        with freeze_time(FRIDAY_16H):
            return self.env["cs.property.complaint"].create(
                [
                    {
                        "estate_id": self.estate_a.id,
                        "partner_id": self.owner.id,
                        "complaint_type": "environment",
                        "category_id": self.category.id,
                        "team_id": self.team.id,
                        "description": f"<p>Breach {i}</p>",
                        "received_at": FRIDAY_16H,
                    }
                    for i in range(n)
                ]
            )

    def _escalate_counting(self, n, level, now):
        complaints = self._breaches(n)
        lines = complaints.sla_line_ids
        self.env.flush_all()
        self.env.invalidate_all()
        with freeze_time(now), self.assertQueryCount(5 * n):
            self.env["cs.property.sla.line"]._cron_sla_process()
            self.env.flush_all()
        response = lines.filtered(lambda ln: ln.name == "Response")
        self.assertEqual(set(response.mapped("escalation_level")), {level})
        step = "sla_leader" if level == 1 else "sla_manager"
        self.assertEqual(len(complaints.activity_ids.filtered(lambda a: a.cs_step == step)), n)
        lines.sudo().write({"status": "met", "date_reached": now})  # out of the next run
        return complaints

    def test_escalating_n_records_costs_at_most_5n_queries(self):
        self.estate_a.manager_id = self.user_manager
        for n in (10, 40):
            self._escalate_counting(n, 1, "2026-03-09 03:01")
            self._escalate_counting(n, 2, "2026-03-10 03:30")
