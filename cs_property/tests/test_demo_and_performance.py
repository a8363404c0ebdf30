from odoo.tests import TransactionCase

from .common import CsPropertyCase


class TestDemoData(TransactionCase):
    """The demo estate must be rich enough to try every screen."""

    def setUp(self):
        super().setUp()
        self.estate = self.env.ref("cs_property.demo_estate_cuihu", raise_if_not_found=False)
        if not self.estate:
            self.skipTest("database installed without demo data")

    def test_demo_estate_content(self):
        estate = self.estate
        self.assertEqual(estate.name, "翠湖花园")
        self.assertGreaterEqual(estate.building_count, 3)
        self.assertGreaterEqual(estate.unit_count, 120)
        units = self.env["cs.property.unit"].search([("estate_id", "=", estate.id)])
        self.assertEqual(
            set(units.mapped("state")), {"unsold", "vacant", "occupied", "entrusted", "renovating"}
        )
        self.assertTrue(all(units.filtered(lambda u: u.state != "unsold").mapped("owner_id")))
        lines = self.env["cs.property.occupancy"].search([("estate_id", "=", estate.id)])
        self.assertEqual(set(lines.mapped("role")), {"owner", "tenant", "resident"})
        self.assertTrue(lines.filtered("date_end"), "some units were sold: history kept")
        self.assertGreaterEqual(len(estate.team_ids), 6)
        engineering = estate.team_ids.filtered(lambda t: t.team_type == "engineering")
        self.assertEqual(len(engineering.member_ids), 3)
        self.assertTrue(all(engineering.member_ids.mapped("skill_ids")))
        self.assertTrue(estate.facility_ids.filtered(lambda f: f.facility_type == "elevator"))

    def test_demo_agent_works_in_the_demo_estate(self):
        agent = self.env.ref("cs_property.demo_user_agent")
        self.assertTrue(agent.has_group("cs_property.group_property_agent"))
        visible = self.env["cs.property.unit"].with_user(agent).search_count([])
        self.assertEqual(visible, self.estate.unit_count)


class TestQueryCounts(CsPropertyCase):
    """Lists of units, estates and partners cost the same queries for 3 or 30 rows."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        building = cls.env["cs.property.building"].create(
            {"estate_id": cls.estate_b.id, "name": "Tower", "floor_count": 30}
        )
        cls.many_units = cls.env["cs.property.unit"].create(
            [
                {"building_id": building.id, "name": f"{n:04d}", "floor": 1, "gross_area": 80}
                for n in range(30)
            ]
        )
        cls.env["cs.property.occupancy"].create(
            [
                {"unit_id": unit.id, "partner_id": cls.owner.id, "date_start": "2022-01-01"}
                for unit in cls.many_units
            ]
        )

    def _read_list(self, units):
        units.invalidate_model()
        self.env["cs.property.occupancy"].invalidate_model()
        units.read(["display_name", "owner_id", "tenant_id", "primary_contact_id", "state"])

    def test_unit_list_query_count_is_flat(self):
        self._read_list(self.many_units[:3])  # warm the ormcache
        with self.assertQueryCount(5):
            self._read_list(self.many_units[:3])
        with self.assertQueryCount(5):
            self._read_list(self.many_units)

    def test_estate_counts_query_count_is_flat(self):
        estates = self.estate_a | self.estate_b
        estates.invalidate_model()
        with self.assertQueryCount(3):
            estates.mapped("unit_count")
        self.assertEqual(self.estate_b.unit_count, 31)
