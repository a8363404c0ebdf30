from contextlib import contextmanager

from odoo import Command
from odoo.tests import TransactionCase, new_test_user


class CsPropertyCase(TransactionCase):
    """Two estates of one company and one of another, with a user of every role.

    Estate A has two buildings and a few units; estate B one building; estate C
    belongs to a second company. Agents, technicians and inspectors are assigned
    to estate A only, so every access test can check both sides of the rule.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.company_2 = cls.env["res.company"].create({"name": "Other Property Co."})

        cls.estate_a = cls.env["cs.property.estate"].create(
            {"name": "Estate A", "code": "EA", "office_name": "Office A"}
        )
        cls.estate_b = cls.env["cs.property.estate"].create({"name": "Estate B", "code": "EB"})
        cls.estate_c = (
            cls.env["cs.property.estate"]
            .with_company(cls.company_2)
            .create(
                {
                    "name": "Estate C",
                    "code": "EC",
                    "company_id": cls.company_2.id,
                    "resource_calendar_id": cls.company_2.resource_calendar_id.id,
                }
            )
        )
        Building = cls.env["cs.property.building"]
        cls.building_a1 = Building.create(
            {
                "estate_id": cls.estate_a.id,
                "name": "1栋",
                "floor_count": 18,
                "basement_count": 2,
                "completion_date": "2021-03-15",
            }
        )
        cls.building_a2 = Building.create(
            {"estate_id": cls.estate_a.id, "name": "2栋", "floor_count": 10}
        )
        cls.building_b1 = Building.create({"estate_id": cls.estate_b.id, "name": "B1"})
        cls.building_c1 = Building.create({"estate_id": cls.estate_c.id, "name": "C1"})

        cls.unit_a101 = cls._unit(cls.building_a1, "101", 1, 89.5)
        cls.unit_a102 = cls._unit(cls.building_a1, "102", 1, 112.3)
        cls.unit_a201 = cls._unit(cls.building_a2, "201", 2, 95.0)
        cls.unit_b101 = cls._unit(cls.building_b1, "101", 1, 120.0)
        cls.unit_c101 = cls._unit(cls.building_c1, "101", 1, 70.0)

        Partner = cls.env["res.partner"]
        cls.owner = Partner.create({"name": "王建国", "phone": "13800000001"})
        cls.owner_2 = Partner.create({"name": "李秀英", "phone": "13800000002"})
        cls.tenant = Partner.create({"name": "张伟", "phone": "13800000003"})
        cls.developer = Partner.create(
            {"name": "翠湖置业", "is_company": True, "property_party_type": "developer"}
        )

        def user(login, group, **kw):
            return new_test_user(
                cls.env,
                login=login,
                groups=f"base.group_user,{group}",
                name=login,
                **kw,
            )

        cls.user_agent = user("agent", "cs_property.group_property_agent")
        cls.user_technician = user("technician", "cs_property.group_property_technician")
        cls.user_inspector = user("inspector", "cs_property.group_property_inspector")
        cls.user_manager = user("manager", "cs_property.group_property_manager")
        cls.user_finance = user("finance", "account.group_account_invoice")
        cls.user_plain = user("plain", "base.group_user")
        cls.user_manager_2 = user(
            "manager2",
            "cs_property.group_property_manager",
            company_id=cls.company_2.id,
            company_ids=[Command.set(cls.company_2.ids)],
        )
        cls.estate_a.user_ids = [
            Command.link(u.id) for u in (cls.user_agent, cls.user_technician, cls.user_inspector)
        ]

    @contextmanager
    def assertRefused(self, exception, pattern):
        """Odoo's assertRaises (rolls back to a savepoint, so the refused change
        is really gone) plus a check of the message the user reads."""
        with self.assertRaises(exception) as caught:
            yield caught
        self.assertRegex(str(caught.exception), pattern)

    def assertListQueriesFlat(self, records, field_names, user, queries):
        """Reading a list view of 8 rows or of all ``records`` costs the same
        ``queries``: nothing is fetched per row."""
        Model = self.env[records._name].with_user(user)

        def read_list(subset):
            self.env.invalidate_all()
            Model.browse(subset.ids).web_read({name: {} for name in field_names})

        read_list(records[:8])  # warm the ormcache
        with self.assertQueryCount(queries):
            read_list(records[:8])
        with self.assertQueryCount(queries):
            read_list(records)

    @classmethod
    def _unit(cls, building, name, floor, area, **vals):
        return cls.env["cs.property.unit"].create(
            {"building_id": building.id, "name": name, "floor": floor, "gross_area": area, **vals}
        )

    @classmethod
    def _occupy(cls, unit, partner, role="owner", start="2021-07-01", end=False, **vals):
        return cls.env["cs.property.occupancy"].create(
            {
                "unit_id": unit.id,
                "partner_id": partner.id,
                "role": role,
                "date_start": start,
                "date_end": end,
                **vals,
            }
        )
