from odoo.tests import tagged

from .test_tour import TourCase


@tagged("post_install", "-at_install")
class TestInspectionTeamTour(TourCase):
    def test_member_takes_a_team_inspection_with_area_headings(self):
        plan = self.env.ref("cs_property.demo_plan_cuihu_weekly")
        inspection = plan.inspection_ids.filtered(lambda i: i.state == "planned")[:1]
        self.assertFalse(inspection.inspector_id)
        member = self.env.ref("cs_property.demo_user_qa_dept")
        self._tour(
            f"/odoo/action-cs_property.cs_property_inspection_action/{inspection.id}",
            "cs_property_inspection_team_sections",
            member.login,
        )
        self.assertEqual(inspection.inspector_id, member)
        self.assertEqual(inspection.state, "in_progress")
