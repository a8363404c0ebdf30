from unittest.mock import patch

from odoo import SUPERUSER_ID
from odoo.sql_db import Cursor

from .common import CsPropertyCase


class TestBulkIntake(CsPropertyCase):
    """Imports and integrations create complaints and service orders in batches:
    followers, numbers, SLA clocks and team activities are written per batch, so
    a record costs a bounded number of queries whatever the batch size."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.team = cls.env["cs.property.team"].create(
            {
                "estate_id": cls.estate_a.id,
                "name": "工程组",
                "team_type": "engineering",
                "leader_id": cls.user_manager.id,
            }
        )
        # the shipped on-creation rules run once per batch
        for xmlid in ("automation_complaint_created", "automation_repair_created"):
            cls.env.ref(f"cs_property.{xmlid}").cs_batch = True

    def _complaint_vals(self, n, **extra):
        return [
            {
                **extra,
                "estate_id": self.estate_a.id,
                "unit_id": self.unit_a101.id,
                "partner_id": self.owner.id,
                "team_id": self.team.id,
                "complaint_type": "engineering",
                "description": f"<p>Imported {i}</p>",
            }
            for i in range(n)
        ]

    def _repair_vals(self, n):
        return [
            {
                "estate_id": self.estate_a.id,
                "unit_id": self.unit_a101.id,
                "partner_id": self.owner.id,
                "team_id": self.team.id,
                "category_id": self.env.ref("cs_property.repair_category_plumbing").id,
                "description": f"Imported {i}",
            }
            for i in range(n)
        ]

    def _create_counting(self, env, model, vals_list, per_record):
        Model = env[model]
        Model.create([dict(vals_list[0])])  # warm the caches (ormcache, translations)
        env.flush_all()
        with self.assertQueryCount(per_record * len(vals_list)):
            records = Model.create(vals_list)
            env.flush_all()
        return records

    def test_import_as_superuser_without_tracking(self):
        env = self.env(user=SUPERUSER_ID, context={"tracking_disable": True})
        for n in (10, 40):
            complaints = self._create_counting(
                env,
                "cs.property.complaint",
                self._complaint_vals(n, receiver_id=self.user_agent.id),
                10,
            )
            numbers = sorted(int(name[-5:]) for name in complaints.mapped("name"))
            self.assertEqual(numbers, list(range(numbers[0], numbers[0] + n)), "gap-free")
            for complaint in complaints:
                self.assertIn(
                    complaint.receiver_id.partner_id, complaint.message_partner_ids, "首问制"
                )
                self.assertTrue(complaint.sla_line_ids)
                self.assertEqual(
                    complaint._activity_open("assess").user_id, self.user_manager, "leader told"
                )
            orders = self._create_counting(env, "cs.property.repair", self._repair_vals(n), 10)
            self.assertEqual(len(set(orders.mapped("name"))), n)
            self.assertTrue(all(orders.mapped("sla_line_ids")))

    def test_intake_as_agent(self):
        env = self.env(user=self.user_agent, context={"tracking_disable": True})
        for n in (10, 40):
            complaints = self._create_counting(
                env, "cs.property.complaint", self._complaint_vals(n), 10
            )
            self.assertEqual(complaints.receiver_id, self.user_agent)
            self.assertIn(self.user_agent.partner_id, complaints[-1].message_partner_ids)

    def test_single_creation_draws_one_number(self):
        first = self.env["cs.property.complaint"].create(self._complaint_vals(1))
        second = self.env["cs.property.complaint"].create(self._complaint_vals(1))
        self.assertEqual(int(second.name[-5:]), int(first.name[-5:]) + 1)


class TestStatistics(CsPropertyCase):
    def test_category_pivot_groups_by_the_column_alone(self):
        """The default pivots group a million complaints by category and month:
        the category's order must not drag a join and a translated name into
        the GROUP BY (an on-disk sort)."""
        category = self.env.ref("cs_property.complaint_category_leak")
        self.env["cs.property.complaint"].create(
            {
                "estate_id": self.estate_a.id,
                "partner_id": self.owner.id,
                "complaint_type": category.complaint_type,
                "category_id": category.id,
                "description": "<p>Leak</p>",
            }
        )
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env.flush_all()
        statements = []
        execute = Cursor.execute

        def spy(cursor, query, *args, **kwargs):
            statements.append(str(query))
            return execute(cursor, query, *args, **kwargs)

        Complaint = self.env["cs.property.complaint"].with_context(lang="zh_CN")
        with patch.object(Cursor, "execute", spy):
            groups = Complaint.formatted_read_group(
                [("estate_id", "=", self.estate_a.id)],
                ["category_id", "received_at:month"],
                ["__count"],
            )
        self.assertEqual(groups[0]["category_id"][0], category.id)
        grouping = [s for s in statements if "GROUP BY" in s]
        self.assertTrue(grouping)
        self.assertFalse(
            [s for s in grouping if "cs_property_complaint_category" in s],
            "no join of the category table in the statistics query",
        )
