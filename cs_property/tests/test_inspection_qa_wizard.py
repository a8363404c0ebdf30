from datetime import date

from odoo import Command, fields
from odoo.exceptions import ValidationError
from odoo.tests import Form

from .inspection_common import InspectionCase


class TestInspectionQaReportWizard(InspectionCase):
    def test_chosen_month_reaches_the_report(self):
        wizard_model = self.env["cs.property.qa.report.wizard"].with_user(self.user_inspector)
        with Form(wizard_model.with_context(discard_logo_check=True)) as form:
            form.month = date(2026, 3, 17)
            form.estate_ids.clear()
            form.estate_ids.add(self.estate_a)
        action = form.record.action_print()
        self.assertEqual(action["type"], "ir.actions.report")
        self.assertEqual(action["data"]["month"], "2026-03-01")
        self.assertEqual(action["context"]["active_ids"], self.estate_a.ids)
        html, _type = self.env["ir.actions.report"]._render_qweb_html(
            "cs_property.action_report_inspection_month", self.estate_a.ids, data=action["data"]
        )
        self.assertIn("Monthly QA Report", html.decode())


class TestInspectionPlanUnits(InspectionCase):
    def test_generation_carries_the_units(self):
        plan = self._plan(
            recurrence_start=fields.Date.today(),
            recurrence_horizon=1,
            unit_ids=[Command.set((self.unit_a101 | self.unit_a102).ids)],
        )
        plan.action_recurrence_generate()
        self.assertEqual(len(plan.inspection_ids), 2)
        for inspection in plan.inspection_ids:
            self.assertEqual(inspection.unit_ids, self.unit_a101 | self.unit_a102)

    def test_units_stay_in_the_estate(self):
        with self.assertRaises(ValidationError):
            self._plan(unit_ids=[Command.set(self.unit_b101.ids)])
        inspection = self._inspection(date_due=fields.Date.today())
        with self.assertRaises(ValidationError):
            inspection.unit_ids = self.unit_b101
