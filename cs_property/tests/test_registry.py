from psycopg2 import IntegrityError

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form
from odoo.tools import mute_logger

from .common import CsPropertyCase


class TestRegistry(CsPropertyCase):
    def test_hierarchy_names_and_counts(self):
        self.assertEqual(self.unit_a101.display_name, "Estate A 1栋-101")
        self.assertEqual(self.building_a1.display_name, "Estate A / 1栋")
        self.assertEqual(self.unit_a101.estate_id, self.estate_a, "estate follows the building")
        self.assertEqual(self.unit_a101.company_id, self.company)
        self.assertEqual(self.unit_c101.company_id, self.company_2)
        self.assertEqual(self.estate_a.building_count, 2)
        self.assertEqual(self.estate_a.unit_count, 3)
        self.assertAlmostEqual(self.estate_a.total_gross_area, 89.5 + 112.3 + 95.0)
        self.assertEqual(self.building_a1.unit_count, 2)
        self.assertEqual(self.estate_b.unit_count, 1)

    def test_warranty_start_follows_building_completion(self):
        self.assertEqual(str(self.unit_a101.warranty_start_date), "2021-03-15")
        self.building_a1.completion_date = "2021-04-01"
        self.assertEqual(str(self.unit_a101.warranty_start_date), "2021-04-01")
        self.unit_a102.warranty_start_date = "2021-05-20"
        self.assertEqual(str(self.unit_a102.warranty_start_date), "2021-05-20")
        self.assertFalse(self.unit_a201.warranty_start_date, "building 2 has no completion date")

    def test_unit_form_fills_estate_from_building(self):
        with Form(self.env["cs.property.unit"]) as form:
            form.building_id = self.building_b1
            form.name = "102"
            form.gross_area = 66.0
        self.assertEqual(form.record.estate_id, self.estate_b)

    def test_duplicate_unit_number_refused(self):
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            self._unit(self.building_a1, "101", 1, 80.0)

    def test_same_unit_number_allowed_in_other_building(self):
        unit = self._unit(self.building_a2, "101", 1, 80.0)
        self.assertEqual(unit.building_id, self.building_a2)

    def test_area_rules(self):
        for gross in (0, -5):
            with self.assertRefused(ValidationError, "gross area must be greater than zero"):
                self._unit(self.building_a1, f"9{gross}", 1, gross)
        with self.assertRefused(ValidationError, "cannot exceed the gross area"):
            self._unit(self.building_a1, "901", 9, 80.0, usable_area=81.0)
        with self.assertRefused(ValidationError, "usable area must be positive"):
            self.unit_a101.usable_area = -1
        self.unit_a101.invalidate_recordset()
        self.assertEqual(self.unit_a101.usable_area, 0, "a refused write leaves the data as it was")

    def test_floor_within_building(self):
        with self.assertRefused(ValidationError, "above the top floor"):
            self._unit(self.building_a1, "1901", 19, 80.0)
        with self.assertRefused(ValidationError, "below the lowest basement"):
            self._unit(self.building_a1, "B301", -3, 20.0)
        self.assertTrue(self._unit(self.building_a1, "B201", -2, 20.0, usage="storage"))
        with self.assertRefused(ValidationError, "cannot be negative"):
            self.building_a2.floor_count = -1

    def test_unit_in_building_of_other_estate_refused(self):
        with self.assertRefused(ValidationError, "belongs to estate “Estate A”"):
            self.env["cs.property.unit"].create(
                {
                    "building_id": self.building_a1.id,
                    "estate_id": self.estate_b.id,
                    "name": "103",
                    "gross_area": 50,
                }
            )
        with self.assertRefused(ValidationError, "belongs to estate"):
            self.unit_a101.estate_id = self.estate_b
        self.unit_a101.invalidate_recordset()
        self.assertEqual(self.unit_a101.estate_id, self.estate_a)

    def test_facility_must_stay_in_its_estate(self):
        facility = self.env["cs.property.facility"].create(
            {
                "estate_id": self.estate_a.id,
                "name": "1号电梯",
                "facility_type": "elevator",
                "building_id": self.building_a1.id,
            }
        )
        self.assertEqual(facility.display_name, "1栋 / 1号电梯")
        self.assertEqual(self.estate_a.facility_count, 1)
        with self.assertRefused(ValidationError, "Building “Estate A / 1栋” belongs to estate"):
            self.env["cs.property.facility"].create(
                {
                    "estate_id": self.estate_b.id,
                    "name": "Pump",
                    "building_id": self.building_a1.id,
                }
            )

    def test_building_with_units_cannot_change_estate(self):
        with self.assertRefused(UserError, "cannot be moved to another estate"):
            self.building_a1.estate_id = self.estate_b
        empty = self.env["cs.property.building"].create(
            {"estate_id": self.estate_a.id, "name": "3栋"}
        )
        empty.estate_id = self.estate_b
        self.assertEqual(empty.estate_id, self.estate_b)
        self.building_a1.write({"estate_id": self.estate_a.id, "floor_count": 20})
        self.assertEqual(self.building_a1.floor_count, 20, "same estate is not a move")

    def test_records_with_history_are_archived_not_deleted(self):
        self._occupy(self.unit_a101, self.owner)
        with self.assertRefused(UserError, "archive it instead"):
            self.unit_a101.unlink()
        with self.assertRefused(UserError, "archive it instead"):
            self.building_a1.unlink()
        with self.assertRefused(UserError, "archive it instead"):
            self.estate_a.unlink()
        self.unit_a101.action_archive()
        self.assertFalse(self.unit_a101.active)
        spare = self._unit(self.building_a2, "299", 2, 40.0)
        spare.unlink()
        self.assertFalse(spare.exists(), "a unit without history may be deleted")

    def test_estate_code_unique_per_company(self):
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            self.env["cs.property.estate"].create({"name": "Copy", "code": "EA"})

    def test_estate_smart_buttons(self):
        action = self.estate_a.action_view_units()
        self.assertEqual(action["res_model"], "cs.property.unit")
        self.assertEqual(
            self.env["cs.property.unit"].search(action["domain"]),
            self.unit_a101 | self.unit_a102 | self.unit_a201,
        )
        action = self.estate_a.action_view_buildings()
        self.assertEqual(
            self.env["cs.property.building"].search(action["domain"]),
            self.building_a1 | self.building_a2,
        )
        action = self.estate_a.action_view_facilities()
        self.assertEqual(action["context"]["default_estate_id"], self.estate_a.id)
        action = self.building_a1.action_view_units()
        self.assertEqual(
            self.env["cs.property.unit"].search(action["domain"]),
            self.unit_a101 | self.unit_a102,
        )

    def test_default_estate_for_single_estate_staff(self):
        Team = self.env["cs.property.team"].with_user(self.user_agent)
        self.assertEqual(Team._default_estate_id(), self.estate_a)
        self.estate_b.user_ids = [(4, self.user_agent.id)]
        self.assertFalse(Team._default_estate_id(), "no guess for staff of several estates")
