from odoo.fields import Domain
from odoo.tests import Form, tagged
from odoo.tools.safe_eval import safe_eval

from .common import CsPropertyCase


@tagged("post_install", "-at_install")
class TestScreens(CsPropertyCase):
    """What the screens offer: unit pickers, smart buttons, the contacts list."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.estate_a.name = "翠湖花园"
        cls.unit_a502 = cls._unit(cls.building_a1, "502", 5, 120.0)
        cls.plumbing = cls.env.ref("cs_property.repair_category_plumbing")

    def _complaint(self, unit, **vals):
        return self.env["cs.property.complaint"].create(
            {
                "unit_id": unit.id,
                "partner_id": self.owner.id,
                "complaint_type": "engineering",
                "description": "<p>漏水</p>",
                **vals,
            }
        )

    def _repair(self, unit, **vals):
        return self.env["cs.property.repair"].create(
            {
                "unit_id": unit.id,
                "partner_id": self.owner.id,
                "category_id": self.plumbing.id,
                "description": "水管漏水",
                **vals,
            }
        )

    # ------------------------------------------------------------ unit picker
    def _find(self, text, user=None):
        Unit = self.env["cs.property.unit"].with_user(user or self.env.user)
        found = Unit.browse([unit_id for unit_id, _name in Unit.name_search(text, limit=500)])
        # the demo estate has a 1栋-502 too: look at this test's estates only
        return found.filtered(lambda u: u.estate_id in (self.estate_a | self.estate_b))

    def test_unit_found_as_it_is_written(self):
        self.assertEqual(self.unit_a502.display_name, "翠湖花园 1栋-502")
        self.assertEqual(self._find("1栋-502"), self.unit_a502)
        self.assertEqual(self._find("翠湖花园 1栋-502"), self.unit_a502)
        self.assertEqual(self._find("翠湖 502"), self.unit_a502)
        self.assertEqual(self._find("1栋 502"), self.unit_a502)
        # the unit number alone still works; other buildings' 101 are found too
        self.assertIn(self.unit_a101, self._find("101"))
        self.assertIn(self.unit_b101, self._find("101"))
        self.assertEqual(self._find("翠湖花园 1栋-101"), self.unit_a101)
        self.assertFalse(self._find("2栋-502"))
        self.assertFalse(self._find("Estate B 1栋-502"))
        # record rules still apply: the agent of estate A never sees estate B
        self.assertNotIn(self.unit_b101, self._find("101", self.user_agent))
        # a negative search keeps Odoo's meaning
        Unit = self.env["cs.property.unit"]
        self.assertNotIn(self.unit_a502, Unit.search([("display_name", "not ilike", "502")]))

    def test_unit_gives_the_estate(self):
        form = Form(self.env["cs.property.complaint"])
        form.estate_id = self.env["cs.property.estate"]
        form.unit_id = self.unit_b101
        self.assertEqual(form.estate_id, self.estate_b)
        # another estate: the unit of the former one is dropped
        form.estate_id = self.estate_a
        self.assertFalse(form.unit_id)
        form.unit_id = self.unit_a502
        form.partner_id = self.owner
        form.complaint_type = "engineering"
        form.description = "<p>漏水</p>"
        complaint = form.save()
        self.assertEqual(complaint.estate_id, self.estate_a)
        # created without a form (import, RPC): the unit or common area gives it too
        self.assertEqual(self._repair(self.unit_b101).estate_id, self.estate_b)
        facility = self.env["cs.property.facility"].create(
            {"name": "中心花园", "estate_id": self.estate_b.id}
        )
        order = self._repair(self.env["cs.property.unit"], facility_id=facility.id)
        self.assertEqual(order.estate_id, self.estate_b)
        form = Form(self.env["cs.property.repair"])
        form.estate_id = self.estate_a
        form.facility_id = facility
        self.assertEqual(form.estate_id, self.estate_b, "the common area gives the estate")

    def test_unit_picker_open_while_no_estate(self):
        field = self.env["cs.property.complaint"]._fields["unit_id"]
        self.assertIn("'=?'", field.domain)
        Unit = self.env["cs.property.unit"]
        anywhere = Unit.search(Domain("estate_id", "=?", False))
        self.assertIn(self.unit_a101, anywhere)
        self.assertIn(self.unit_b101, anywhere)
        self.assertNotIn(self.unit_b101, Unit.search(Domain("estate_id", "=?", self.estate_a.id)))

    def test_no_create_from_ticket_unit_pickers(self):
        for model in ("cs.property.complaint", "cs.property.repair"):
            arch = self.env[model].get_view(view_type="form")["arch"]
            self.assertRegex(arch, r'name="unit_id"[^>]*no_create', model)

    # ---------------------------------------------------------- smart buttons
    def test_smart_button_counts_and_actions(self):
        self._complaint(self.unit_a502)
        self._complaint(self.unit_a101)
        self._repair(self.unit_a502)
        self._repair(self.unit_a502)
        self._repair(self.unit_b101)
        self.assertEqual(self.estate_a.complaint_count, 2)
        self.assertEqual(self.estate_a.repair_count, 2)
        self.assertEqual(self.estate_b.repair_count, 1)
        self.assertEqual(self.unit_a502.repair_count, 2)
        self.assertEqual(self.unit_a101.repair_count, 0)
        self.assertEqual(self.owner.property_repair_count, 3)
        Repair = self.env["cs.property.repair"]
        for record, count in ((self.estate_a, 2), (self.unit_a502, 2)):
            action = record.action_view_repairs()
            self.assertEqual(Repair.search_count(action["domain"]), count)
            self.assertFalse(
                action["context"].get("search_default_open"), "all orders, not only open"
            )
        action = self.owner.action_view_property_repairs()
        self.assertEqual(Repair.search_count(action["domain"]), 3)
        action = self.estate_a.action_view_complaints()
        self.assertEqual(self.env["cs.property.complaint"].search_count(action["domain"]), 2)

    def test_counts_cost_no_query_per_record(self):
        for unit in (self.unit_a101, self.unit_a102, self.unit_a201, self.unit_a502):
            self._repair(unit)
            self._complaint(unit)
        units = self.env["cs.property.unit"].search([("estate_id", "=", self.estate_a.id)])
        extra = self.env["cs.property.unit"].create(
            [
                {
                    "building_id": self.building_a2.id,
                    "name": f"9{i:02d}",
                    "floor": 9,
                    "gross_area": 80,
                }
                for i in range(10)
            ]
        )
        self.assertGreater(len(units | extra), 8)
        self.assertListQueriesFlat(
            units | extra, ["repair_count", "complaint_count"], self.user_agent, 4
        )
        estates = self.estate_a | self.estate_b
        self.env.invalidate_all()
        with self.assertQueryCount(3):
            estates.mapped("repair_count")
        partners = self.owner | self.owner_2 | self.tenant | self.developer
        self.env.invalidate_all()
        with self.assertQueryCount(2):
            partners.mapped("property_repair_count")

    # --------------------------------------------------------------- contacts
    def test_contacts_are_the_property_parties(self):
        self._occupy(self.unit_a101, self.owner)
        self._occupy(
            self.unit_a102, self.tenant, role="tenant", start="2020-01-01", end="2021-01-01"
        )
        outsider = self.env["res.partner"].create({"name": "Unrelated Supplier"})
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "cs_property.action_cs_property_partner"
        )
        parties = (
            self.env["res.partner"]
            .with_user(self.user_agent)
            .search(Domain(safe_eval(action["domain"])))
        )
        self.assertIn(self.owner, parties)
        self.assertIn(self.tenant, parties, "past tenants remain parties")
        self.assertIn(self.developer, parties, "developers have a party type")
        self.assertNotIn(outsider, parties)
        self.assertNotIn(self.owner_2, parties, "no occupancy, no party type")
        self.assertTrue(self.owner.property_is_party)
        self.assertFalse(outsider.property_is_party)
        Partner = self.env["res.partner"]
        self.assertIn(outsider, Partner.search([("property_is_party", "=", False)]))

    # -------------------------------------------------------------------- SLA
    def test_sla_target_names_and_state_labels(self):
        target = self.env.ref("cs_property.sla_target_complaint_major_response")
        self.assertIn(target.policy_id.name, target.display_name)
        self.assertNotEqual(
            target.display_name,
            self.env.ref("cs_property.sla_target_complaint_general_response").display_name,
        )
        arch = self.env["cs.property.sla.policy"].get_view(view_type="form")["arch"]
        self.assertIn("reach_state_names", arch)
        self.assertIn("Assessed", target.reach_state_names)
        self.assertNotIn("assessed", target.reach_state_names)
        target.reach_state_names = "Resolved, closed"
        self.assertEqual(target.reach_states, "done,closed")
        zh = target.with_context(lang="zh_CN")
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["cs_property"], ["zh_CN"], overwrite=True)
        zh.invalidate_recordset(["reach_state_names"])
        self.assertNotIn("Resolved", zh.reach_state_names)
