from datetime import date

from freezegun import freeze_time
from lxml import etree

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form
from odoo.tools.safe_eval import safe_eval

from .inspection_common import InspectionCase


class TeamInspectionCase(InspectionCase):
    """A QA team of estate A (leader + one member, both plain staff) and a
    member of another team."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()

        def staff(login):
            return cls.env["res.users"].create(
                {
                    "name": login,
                    "login": login,
                    "group_ids": [Command.set([cls.env.ref("cs_property.group_property_user").id])],
                }
            )

        cls.qa_leader = staff("qa_leader")
        cls.qa_member = staff("qa_member")
        cls.qa_member_2 = staff("qa_member_2")
        cls.outsider = staff("outsider")
        Team = cls.env["cs.property.team"]
        cls.team_qa = Team.create(
            {
                "name": "品质组",
                "estate_id": cls.estate_a.id,
                "team_type": "quality",
                "leader_id": cls.qa_leader.id,
                "member_ids": [
                    Command.create({"user_id": cls.qa_member.id}),
                    Command.create({"user_id": cls.qa_member_2.id}),
                ],
            }
        )
        cls.team_other = Team.create(
            {
                "name": "巡检二组",
                "estate_id": cls.estate_a.id,
                "team_type": "quality",
                "member_ids": [Command.create({"user_id": cls.outsider.id})],
            }
        )

    def _team_plan(self, **vals):
        return self._plan(inspector_id=False, inspector_team_id=self.team_qa.id, **vals)

    def _team_inspection(self, **vals):
        return self._inspection(inspector_id=False, inspector_team_id=self.team_qa.id, **vals)


class TestInspectingTeam(TeamInspectionCase):
    def test_plan_names_an_inspector_or_a_team(self):
        with self.assertRefused(ValidationError, "Inspector.*Inspecting Team"):
            self._plan(inspector_id=False)
        with self.assertRefused(ValidationError, "not both"):
            self._plan(inspector_team_id=self.team_qa.id)
        plan = self._team_plan()
        with self.assertRefused(ValidationError, "Inspecting Team"):
            plan.inspector_team_id = False
        with self.assertRefused(ValidationError, "Inspector or an Inspecting Team"):
            self._inspection(inspector_id=False)
        form = Form(self.env["cs.property.inspection.plan"])
        form.name = "QA round"
        form.estate_id = self.estate_a
        form.template_id = self.template
        form.inspector_team_id = self.team_qa
        self.assertEqual(form.save().inspector_team_id, self.team_qa)

    def test_cron_generates_team_inspections(self):
        plan = self._team_plan(recurrence_start="2026-03-01", recurrence_horizon=2)
        with freeze_time("2026-03-01"):
            self.env["cs.property.inspection.plan"]._cron_generate()
        inspections = plan.inspection_ids
        self.assertEqual(len(inspections), 3)
        self.assertEqual(inspections.inspector_team_id, self.team_qa)
        self.assertFalse(inspections.inspector_id)
        # a plan with one inspector still gives the inspections to him
        user_plan = self._plan(name="Own", recurrence_start="2026-03-01", recurrence_horizon=0)
        with freeze_time("2026-03-01"):
            self.env["cs.property.inspection.plan"]._cron_generate()
        self.assertEqual(user_plan.inspection_ids.inspector_id, self.user_inspector)
        self.assertFalse(user_plan.inspection_ids.inspector_team_id)

    def test_member_takes_and_does_the_inspection(self):
        inspection = self._team_inspection()
        mine = self.env["cs.property.inspection"].with_user(self.qa_member)
        self.assertEqual(mine.search([("id", "=", inspection.id)]), inspection)
        mine = inspection.with_user(self.qa_member)
        mine.action_start()
        self.assertEqual(inspection.inspector_id, self.qa_member)
        self.assertEqual(inspection.state, "in_progress")
        # the phone form: the member answers an item under its area heading
        with Form(mine) as form, form.line_ids.edit(1) as item:
            item.result = "fail"
            item.comment = "地面有污渍"
        floor = self._items(inspection).filtered(lambda ln: ln.standard_id == self.std_floor)
        self.assertEqual((floor.result, floor.comment), ("fail", "地面有污渍"))
        self._answer(mine, failed=self.std_floor)
        mine.action_done()
        self.assertEqual(inspection.state, "done")
        self.assertEqual(inspection.nonconformity_ids.inspector_id, self.qa_member)

    def test_non_member_refused_and_leader_takes(self):
        inspection = self._team_inspection()
        # an inspector of the estate sees it, but the team takes it
        with self.assertRefused(
            UserError, r"“Start” can only be done by .*its inspector \(or, untaken, its team\)"
        ):
            inspection.with_user(self.user_inspector).action_start()
        self.assertFalse(inspection.inspector_id)
        inspection.with_user(self.qa_leader).action_start()
        self.assertEqual(inspection.inspector_id, self.qa_leader)

    def test_other_team_neither_sees_nor_starts(self):
        inspection = self._team_inspection()
        Inspection = self.env["cs.property.inspection"].with_user(self.outsider)
        self.assertFalse(Inspection.search([("id", "=", inspection.id)]))
        self.assertFalse(
            self.env["cs.property.inspection.line"]
            .with_user(self.outsider)
            .search([("inspection_id", "=", inspection.id)])
        )
        with self.assertRaises(AccessError):
            inspection.with_user(self.outsider).action_start()
        self.assertEqual(inspection.state, "planned")
        # the inspected team reads its inspection but does not do it
        inspected = self._inspection(date_due="2026-03-03", inspected_team_id=self.team_cleaning.id)
        self.assertTrue(inspected.with_user(self.team_member).line_ids)
        with self.assertRefused(UserError, "“Start” can only be done by"):
            inspected.with_user(self.team_member).action_start()
        # another company does not see it either
        self.assertFalse(
            self.env["cs.property.inspection"]
            .with_user(self.user_manager_2)
            .search([("id", "=", inspection.id)])
        )

    def test_hand_over_within_and_outside_the_team(self):
        inspection = self._team_inspection()
        mine = inspection.with_user(self.qa_member)
        mine.handover_to_id = self.qa_member_2
        mine.action_hand_over()
        self.assertEqual(inspection.inspector_id, self.qa_member_2)
        self.assertIn(self.team_qa.display_name, inspection.message_ids[0].body)
        inspection.with_user(self.qa_member_2).write({"handover_to_id": self.user_inspector_2.id})
        inspection.with_user(self.qa_member_2).action_hand_over()
        self.assertEqual(inspection.inspector_id, self.user_inspector_2)
        self.assertEqual(inspection.handed_over_from_id, self.qa_member_2)
        inspection.with_user(self.user_inspector_2).action_start()
        self.assertEqual(inspection.inspector_id, self.user_inspector_2)
        self.assertEqual(inspection.inspector_team_id, self.team_qa)

    def test_hand_over_is_not_a_way_round_the_team(self):
        """Someone outside the team cannot hand the team's inspection to
        himself (and then start it); neither can a member once another took it."""
        inspection = self._team_inspection()
        outsider = inspection.with_user(self.user_inspector)
        outsider.handover_to_id = self.user_inspector
        with self.assertRefused(UserError, "“Hand Over” can only be done by .*its inspector"):
            outsider.action_hand_over()
        self.assertFalse(inspection.inspector_id)
        inspection.with_user(self.qa_member).action_start()
        other = inspection.with_user(self.qa_member_2)
        other.handover_to_id = self.qa_member_2
        with self.assertRefused(UserError, "“Hand Over” can only be done by .*its inspector"):
            other.action_hand_over()
        self.assertEqual(inspection.inspector_id, self.qa_member)
        # a manager may reassign it
        inspection.with_user(self.user_manager).handover_to_id = self.qa_member_2
        inspection.with_user(self.user_manager).action_hand_over()
        self.assertEqual(inspection.inspector_id, self.qa_member_2)

    def _filter(self, name, user):
        """Records of the search view's filter ``name`` for ``user``."""
        view = self.env.ref("cs_property.cs_property_inspection_view_search")
        node = etree.fromstring(view.arch).xpath(f"//filter[@name='{name}']")[0]
        domain = safe_eval(node.get("domain"), {"uid": user.id})
        return self.env["cs.property.inspection"].with_user(user).search(domain)

    def test_my_inspections_show_the_team_ones_not_yet_taken(self):
        free = self._team_inspection()
        taken = self._team_inspection(date_due="2026-03-03")
        taken.with_user(self.qa_member_2).action_start()
        own = self._inspection(date_due="2026-03-04", inspector_id=self.qa_member.id)
        mine = self._filter("mine", self.qa_member)
        self.assertIn(free, mine)
        self.assertIn(own, mine)
        self.assertNotIn(taken, mine)
        self.assertIn(taken, self._filter("mine", self.qa_member_2))
        self.assertEqual(self._filter("my_team", self.qa_leader), free | taken)
        self.assertFalse(self._filter("my_team", self.outsider) & (free | taken))

    def test_missed_note_goes_to_the_leader(self):
        plan = self._team_plan(recurrence_start="2026-03-01", recurrence_horizon=0)
        with freeze_time("2026-03-01"):
            plan._recurrence_generate()
        with freeze_time("2026-03-03"):
            self.env["cs.property.inspection.plan"]._cron_generate()
        self.assertEqual(plan.inspection_ids.sorted("date_due")[0].state, "missed")
        note = plan.message_ids.filtered(lambda m: "missed" in (m.body or ""))[:1]
        self.assertIn(self.qa_leader.partner_id, note.partner_ids)
        self.assertNotIn(self.qa_member.partner_id, note.partner_ids)


class TestAreaHeadings(TeamInspectionCase):
    def test_headings_in_area_order_ignored_by_checks_and_score(self):
        inspection = self._inspection()
        lines = inspection.line_ids
        self.assertEqual(len(lines), 5)
        headings = lines.filtered("display_type")
        self.assertEqual(headings.mapped("display_type"), ["line_section"] * 2)
        self.assertEqual(headings.mapped("name"), ["大堂", "配电室"])
        # each heading comes right before the items of its area
        current = None
        for line in lines:
            if line.display_type:
                current = line.name
            else:
                self.assertEqual(line.area, current)
        inspection.action_start()
        self._answer(inspection, failed=self.std_floor)
        self.assertFalse(any(headings.mapped("result")))
        # weights: floor 2 fails, bin 1 and temperature 1 pass → 50 %; headings count nothing
        self.assertAlmostEqual(inspection.score, 50.0)
        self.assertEqual(inspection.failed_count, 1)
        inspection.action_done()
        self.assertEqual(inspection.state, "done")
        self.assertEqual(len(inspection.nonconformity_ids), 1)
        self.assertFalse(headings.nonconformity_id)
        stats = self.estate_a._inspection_month_stats(date(2026, 3, 1))[self.estate_a.id]
        self.assertAlmostEqual(dict(stats["scores"])["Cleaning"], 100.0 / 3)

    def test_no_row_added_once_started(self):
        inspection = self._inspection()
        inspection.action_start()
        with self.assertRefused(UserError, "cannot be added"):
            self.env["cs.property.inspection.line"].create(
                {
                    "inspection_id": inspection.id,
                    "display_type": "line_section",
                    "area": "x",
                    "name": "x",
                }
            )
        with self.assertRefused(UserError, "no result yet"):
            inspection.action_done()

    def _count(self, create):
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        records = create()
        self.env.flush_all()
        return self.env.cr.sql_log_count - before, records

    def test_copy_stays_one_batch(self):
        """Headings ride in the same create: the queries do not grow with the
        number of areas or items."""
        Standard = self.env["cs.property.inspection.standard"]
        more = Standard.create(
            [
                {
                    "service": "greening",
                    "area": f"区域{i}",
                    "name": f"项目{i}",
                    "requirement": "整洁",
                }
                for i in range(12)
            ]
        )
        big = self.template.copy({"name": "Big"})
        big.standard_ids = [Command.link(s.id) for s in more]
        self._inspection(date_due="2026-02-01")  # warm the caches
        small_count, small = self._count(lambda: self._inspection(date_due="2026-02-02"))
        big_count, inspection = self._count(
            lambda: self._inspection(date_due="2026-02-03", template_id=big.id)
        )
        self.assertEqual(len(small.line_ids), 5)
        self.assertEqual(len(inspection.line_ids), 5 + 24)
        self.assertEqual(small_count, big_count)
        short = self._team_plan(name="Short", recurrence_horizon=0)
        long = self._team_plan(name="Long", recurrence_horizon=0, template_id=big.id)
        (short | long)._recurrence_generate(date(2026, 1, 2))  # warm the caches
        few, _created = self._count(lambda: short._recurrence_generate(date(2026, 1, 5)))
        # same dates, six times the rows (Odoo inserts rows by chunks of 100)
        many, created = self._count(lambda: long._recurrence_generate(date(2026, 1, 5)))
        self.assertEqual(len(created.line_ids), 3 * 29)
        self.assertEqual(few, many)
