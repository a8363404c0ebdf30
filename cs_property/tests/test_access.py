from odoo.exceptions import AccessError

from .common import CsPropertyCase

REGISTRY_MODELS = (
    "cs.property.estate",
    "cs.property.building",
    "cs.property.unit",
    "cs.property.facility",
    "cs.property.occupancy",
    "cs.property.team",
    "cs.property.team.member",
)


class TestAccess(CsPropertyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.occ_a = cls._occupy(cls.unit_a101, cls.owner)
        cls.occ_b = cls._occupy(cls.unit_b101, cls.owner_2)
        cls.occ_c = cls._occupy(cls.unit_c101, cls.tenant)

    def _visible(self, user, model):
        """The records of this test class that ``user`` can find (demo data aside)."""
        mine = {
            "cs.property.estate": self.estate_a | self.estate_b | self.estate_c,
            "cs.property.unit": self.unit_a101
            | self.unit_a102
            | self.unit_a201
            | self.unit_b101
            | self.unit_c101,
            "cs.property.occupancy": self.occ_a | self.occ_b | self.occ_c,
        }[model]
        return self.env[model].with_user(user).search([("id", "in", mine.ids)])

    def _visible_units(self, user):
        return self._visible(user, "cs.property.unit")

    def test_staff_see_only_their_estates(self):
        for user in (self.user_agent, self.user_technician, self.user_inspector):
            with self.subTest(user=user.login):
                self.assertEqual(self._visible(user, "cs.property.estate"), self.estate_a)
                self.assertEqual(
                    self._visible_units(user),
                    self.unit_a101 | self.unit_a102 | self.unit_a201,
                )
                self.assertEqual(self._visible(user, "cs.property.occupancy"), self.occ_a)
                with self.assertRaises(AccessError):
                    self.unit_b101.with_user(user).read(["name"])

    def test_manager_sees_all_estates_of_his_companies(self):
        self.assertEqual(
            self._visible(self.user_manager, "cs.property.estate"), self.estate_a | self.estate_b
        )
        self.assertNotIn(self.unit_c101, self._visible_units(self.user_manager))
        self.assertEqual(
            self._visible_units(self.user_manager_2), self.unit_c101, "multi-company rule"
        )
        with self.assertRaises(AccessError):
            self.unit_a101.with_user(self.user_manager_2).read(["name"])

    def test_finance_reads_registry_of_all_estates(self):
        units = self._visible_units(self.user_finance)
        self.assertIn(self.unit_b101, units)
        self.assertEqual(self.owner.with_user(self.user_finance).property_unit_count, 1)
        with self.assertRaises(AccessError):
            self.unit_a101.with_user(self.user_finance).write({"state": "vacant"})

    def test_plain_internal_user_has_no_access(self):
        for model in REGISTRY_MODELS:
            with self.subTest(model=model), self.assertRaises(AccessError):
                self.env[model].with_user(self.user_plain).search([])

    def test_only_managers_configure_the_registry(self):
        vals = {"estate_id": self.estate_a.id, "name": "9栋"}
        for user in (self.user_agent, self.user_technician, self.user_inspector):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    self.env["cs.property.building"].with_user(user).create(vals)
                with self.assertRaises(AccessError):
                    self.estate_a.with_user(user).write({"name": "Renamed"})
                with self.assertRaises(AccessError):
                    self.env["cs.property.team"].with_user(user).create(
                        {"estate_id": self.estate_a.id, "name": "T", "team_type": "cleaning"}
                    )
        building = self.env["cs.property.building"].with_user(self.user_manager).create(vals)
        unit = (
            self.env["cs.property.unit"]
            .with_user(self.user_manager)
            .create({"building_id": building.id, "name": "901", "gross_area": 88.0})
        )
        self.assertEqual(unit.estate_id, self.estate_a)

    def test_agents_keep_owner_files_of_their_estates(self):
        Occupancy = self.env["cs.property.occupancy"].with_user(self.user_agent)
        line = Occupancy.create(
            {"unit_id": self.unit_a102.id, "partner_id": self.owner_2.id, "role": "owner"}
        )
        line.action_end()
        self.assertTrue(line.date_end)
        self.unit_a102.with_user(self.user_agent).write(
            {"state": "occupied", "handover_date": "2021-07-01"}
        )
        self.assertEqual(self.unit_a102.state, "occupied")
        with self.assertRaises(AccessError):
            Occupancy.create(
                {"unit_id": self.unit_b101.id, "partner_id": self.owner.id, "role": "tenant"}
            )
        with self.assertRaises(AccessError):
            self.env["cs.property.unit"].with_user(self.user_agent).create(
                {"building_id": self.building_a1.id, "name": "999", "gross_area": 10}
            )

    def test_technicians_and_inspectors_cannot_edit_owner_files(self):
        for user in (self.user_technician, self.user_inspector):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    self.env["cs.property.occupancy"].with_user(user).create(
                        {"unit_id": self.unit_a102.id, "partner_id": self.owner.id}
                    )
                with self.assertRaises(AccessError):
                    self.unit_a101.with_user(user).write({"state": "vacant"})

    def test_team_membership_assigns_the_estate(self):
        team = self.env["cs.property.team"].create(
            {
                "estate_id": self.estate_b.id,
                "name": "工程维修组",
                "team_type": "engineering",
                "leader_id": self.user_manager.id,
            }
        )
        self.assertIn(self.user_manager, self.estate_b.user_ids)
        skill = self.env.ref("cs_property.skill_plumbing")
        member = self.env["cs.property.team.member"].create(
            {"team_id": team.id, "user_id": self.user_technician.id, "skill_ids": [(4, skill.id)]}
        )
        self.assertEqual(team.member_user_ids, self.user_technician)
        self.assertEqual(team.member_count, 1)
        self.assertIn(self.estate_b, self.user_technician.property_estate_ids)
        self.assertIn(self.unit_b101, self._visible_units(self.user_technician))
        self.assertEqual(team.display_name, "Estate B / 工程维修组")
        member.active = False
        self.assertFalse(team.member_user_ids, "inactive members are not team users")
        member.write({"user_id": self.user_inspector.id, "active": True})
        self.assertIn(self.estate_b, self.user_inspector.property_estate_ids)
        team.write({"estate_id": self.estate_a.id})
        self.assertIn(self.user_manager, self.estate_a.user_ids)

    def test_partner_fields_hidden_from_non_property_users(self):
        partner = self.owner.with_user(self.user_plain)
        self.assertEqual(partner.name, "王建国")
        self.assertNotIn("property_unit_count", partner.fields_get())
