from odoo.modules.module import get_module_path, load_script

from .common import CsPropertyCase

OLD_SLA_RULES = [
    # (xmlid, action xmlid, name, range, mode, unit, domain, code): as the
    # data file had them before the SLA cron (commit a776fe0 removed them)
    (
        "automation_sla_warning",
        "action_sla_warning",
        "SLA: warn before the deadline",
        4,
        "before",
        "hour",
        "[('status', '=', 'running'), ('warned', '=', False)]",
        "records._sla_warn()",
    ),
    (
        "automation_sla_escalation_1",
        "action_sla_escalation_1",
        "SLA: breach, escalate to the team leader",
        0,
        "after",
        "minutes",
        "[('status', 'in', ('running', 'failed')), ('date_reached', '=', False)]",
        "records._sla_escalate(1)",
    ),
    (
        "automation_sla_escalation_2",
        "action_sla_escalation_2",
        "SLA: still open a day after the breach, escalate to the CS manager",
        24,
        "after",
        "hour",
        "[('status', 'in', ('running', 'failed')), ('date_reached', '=', False)]",
        "records._sla_escalate(2)",
    ),
]


class TestMigration(CsPropertyCase):
    @classmethod
    def _migration(cls):
        path = f"{get_module_path('cs_property')}/migrations/19.0.1.1.0/post-migrate.py"
        return load_script(path, "cs_property_migrate_19_0_1_1_0")

    def _old_rule(self, xmlid, action_xmlid, name, rng, mode, unit, domain, code):
        sla_line = self.env["ir.model"]._get("cs.property.sla.line")
        rule = self.env["base.automation"].create(
            {
                "name": name,
                "model_id": sla_line.id,
                "trigger": "on_time",
                "trg_date_id": self.env.ref("cs_property.field_cs_property_sla_line__deadline").id,
                "trg_date_range": rng,
                "trg_date_range_mode": mode,
                "trg_date_range_type": unit,
                "filter_domain": domain,
            }
        )
        action = self.env["ir.actions.server"].create(
            {
                "name": name,
                "model_id": sla_line.id,
                "base_automation_id": rule.id,
                "state": "code",
                "code": code,
            }
        )
        self.env["ir.model.data"].create(
            [
                {
                    "module": "cs_property",
                    "name": xmlid,
                    "model": "base.automation",
                    "res_id": rule.id,
                    "noupdate": True,
                },
                {
                    "module": "cs_property",
                    "name": action_xmlid,
                    "model": "ir.actions.server",
                    "res_id": action.id,
                    "noupdate": True,
                },
            ]
        )
        return rule, action

    def test_upgrade_replaces_sla_rules_and_batches_creation_rules(self):
        for xmlid, *_rest in OLD_SLA_RULES:
            self.assertFalse(self.env.ref(f"cs_property.{xmlid}", raise_if_not_found=False))
        old = self.env["base.automation"].browse()
        old_actions = self.env["ir.actions.server"].browse()
        for spec in OLD_SLA_RULES:
            rule, action = self._old_rule(*spec)
            old |= rule
            old_actions |= action
        creation = self.env.ref("cs_property.automation_complaint_created") | self.env.ref(
            "cs_property.automation_repair_created"
        )
        creation.cs_batch = False  # the field did not exist: a new column is False
        # a time-based rule an administrator made on SLA lines is theirs
        mine = self.env["base.automation"].create(
            {
                "name": "My own SLA reminder",
                "model_id": self.env["ir.model"]._get_id("cs.property.sla.line"),
                "trigger": "on_time",
                "trg_date_id": self.env.ref("cs_property.field_cs_property_sla_line__deadline").id,
                "trg_date_range": 1,
                "trg_date_range_type": "day",
            }
        )
        other = self.env.ref("cs_property.automation_complaint_done")
        other_batch = other.cs_batch

        removed, batched = self._migration().upgrade_automation(self.env)

        self.assertEqual(removed, [spec[0] for spec in OLD_SLA_RULES])
        self.assertEqual(batched, ["automation_complaint_created", "automation_repair_created"])
        self.assertFalse(old.exists(), "the time-based SLA rules are gone")
        self.assertFalse(old_actions.exists(), "and their server actions with them")
        self.assertFalse(
            self.env["ir.model.data"].search(
                [
                    ("module", "=", "cs_property"),
                    ("name", "in", [s[0] for s in OLD_SLA_RULES] + [s[1] for s in OLD_SLA_RULES]),
                ]
            ),
            "no xmlid left pointing at nothing",
        )
        self.assertTrue(all(creation.mapped("cs_batch")))
        self.assertTrue(mine.exists(), "a rule users created is left alone")
        self.assertEqual(other.cs_batch, other_batch)
        self.assertTrue(self.env.ref("cs_property.cron_sla_process").active)
        # a second run (or a database already right) changes nothing
        self.assertEqual(self._migration().upgrade_automation(self.env), ([], []))
        self.assertTrue(mine.exists())

    def test_fresh_install_is_not_migrated(self):
        """``migrate`` does nothing without an installed version."""
        creation = self.env.ref("cs_property.automation_complaint_created")
        creation.cs_batch = False
        self._migration().migrate(self.env.cr, None)
        self.assertFalse(creation.cs_batch)

    def test_upgrade_makes_inspected_team_rules_read_only(self):
        """Upgraded from a version where the inspected team's rules (noupdate)
        still allowed writing: the migration takes that away, as a fresh
        install has it."""
        rules = self.env.ref("cs_property.rule_cs_property_inspection_team") | self.env.ref(
            "cs_property.rule_cs_property_inspection_line_team"
        )
        self.assertFalse(any(rules.mapped("perm_write")), "a fresh install reads only")
        rules.write({"perm_write": True, "perm_create": True, "perm_unlink": True})
        self._migration().migrate(self.env.cr, "19.0.1.0.0")
        for perm in ("perm_write", "perm_create", "perm_unlink"):
            self.assertFalse(any(rules.mapped(perm)), perm)
        self.assertTrue(all(rules.mapped("perm_read")))
