from datetime import date

from odoo.exceptions import UserError, ValidationError

from .common import CsPropertyCase


class TestOccupancy(CsPropertyCase):
    def test_sale_keeps_history_and_current_owner(self):
        first = self._occupy(self.unit_a101, self.owner, start="2021-07-01")
        first.action_end(date(2024, 5, 10))
        second = self._occupy(self.unit_a101, self.owner_2, start="2024-05-11")
        unit = self.unit_a101
        self.assertEqual(unit.owner_id, self.owner_2)
        self.assertEqual(unit.with_context(date="2023-01-01").owner_id, self.owner)
        self.assertEqual(len(unit.occupancy_ids), 2, "the old owner stays in the history")
        self.assertFalse(first.is_current)
        self.assertTrue(second.is_current)
        self.assertEqual(
            self.env["cs.property.unit"].search([("owner_id", "=", self.owner_2.id)]), unit
        )
        self.assertFalse(self.env["cs.property.unit"].search([("owner_id", "=", self.owner.id)]))
        self.assertEqual(
            self.env["cs.property.occupancy"].search(
                [("unit_id", "=", unit.id), ("is_current", "=", False)]
            ),
            first,
        )

    def test_tenant_primary_contact_and_occupants(self):
        self._occupy(self.unit_a102, self.owner)
        self._occupy(
            self.unit_a102,
            self.tenant,
            role="tenant",
            start="2025-03-01",
            end="2099-02-28",
            is_primary_contact=True,
            emergency_contact_id=self.owner.id,
        )
        unit = self.unit_a102
        self.assertEqual(unit.owner_id, self.owner)
        self.assertEqual(unit.tenant_id, self.tenant)
        self.assertEqual(unit.primary_contact_id, self.tenant)
        self.assertEqual(unit.current_partner_ids, self.owner | self.tenant)
        self.assertEqual(
            self.env["cs.property.unit"].search([("current_partner_ids", "=", self.tenant.id)]),
            unit,
        )
        self.assertEqual(unit.occupancy_ids[0].display_name, "张伟 (Tenant, Estate A 1栋-102)")

    def test_end_before_start_refused(self):
        with self.assertRefused(ValidationError, "cannot be before the start date"):
            self._occupy(self.unit_a101, self.owner, start="2024-01-01", end="2023-12-31")

    def test_two_owners_of_record_at_once_refused(self):
        self._occupy(self.unit_a101, self.owner, start="2021-07-01")
        with self.assertRefused(ValidationError, "already has 王建国 as Owner of Record"):
            self._occupy(self.unit_a101, self.owner_2, start="2024-05-11")
        # co-owners (共有人) are allowed beside the owner of record
        co = self._occupy(self.unit_a101, self.owner_2, role="co_owner", start="2024-05-11")
        self.assertTrue(co.is_current)
        # an owner of record whose period ended before leaves room for the next
        self._occupy(self.unit_a102, self.owner, start="2021-07-01", end="2022-01-01")
        self._occupy(self.unit_a102, self.owner_2, start="2022-01-02")
        # the same person twice in the same role is a duplicate
        with self.assertRefused(ValidationError, "overlapping period"):
            self._occupy(self.unit_a101, self.owner_2, role="co_owner", start="2025-01-01")

    def test_one_primary_contact_at_a_time(self):
        self._occupy(self.unit_a101, self.owner, is_primary_contact=True)
        with self.assertRefused(ValidationError, "one primary contact at a time"):
            self._occupy(self.unit_a101, self.tenant, role="tenant", is_primary_contact=True)

    def test_end_is_idempotent_and_never_before_start(self):
        line = self._occupy(self.unit_a101, self.owner, start="2024-01-01")
        line.action_end(date(2023, 6, 1))
        self.assertEqual(line.date_end, date(2024, 1, 1))
        line.action_end(date(2025, 1, 1))
        self.assertEqual(line.date_end, date(2024, 1, 1), "an ended line keeps its end date")

    def test_history_cannot_be_deleted(self):
        line = self._occupy(self.unit_a101, self.owner)
        with self.assertRefused(UserError, "cannot be deleted"):
            line.unlink()
        line.action_archive()
        self.assertFalse(self.unit_a101.owner_id, "an archived line is not current")

    def test_partner_units_smart_button(self):
        self._occupy(self.unit_a101, self.owner, end="2022-01-01")
        self._occupy(self.unit_a102, self.owner)
        self._occupy(self.unit_a201, self.owner, role="co_owner")
        self._occupy(self.unit_a201, self.owner_2)
        partners = self.owner | self.owner_2 | self.tenant
        partners.invalidate_recordset(["property_unit_count"])
        with self.assertQueryCount(1):
            counts = partners.mapped("property_unit_count")
        self.assertEqual(counts, [3, 1, 0])
        action = self.owner.action_view_property_units()
        self.assertEqual(
            self.env["cs.property.unit"].search(action["domain"]),
            self.unit_a101 | self.unit_a102 | self.unit_a201,
        )
        self.assertEqual(self.env["res.partner"].new({"name": "New"}).property_unit_count, 0)

    def test_unit_occupancy_action(self):
        self._occupy(self.unit_a101, self.owner)
        action = self.unit_a101.action_view_occupancies()
        self.assertEqual(
            self.env["cs.property.occupancy"].search(action["domain"]),
            self.unit_a101.occupancy_ids,
        )
