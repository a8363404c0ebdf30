"""19.0.1.1.0: the automation rules of an install made before the SLA cron.

Their data file is ``noupdate``, so an upgrade neither removes the rules the
new version dropped nor sets what it added to the rules it kept:

* the three time-based SLA rules (warn, escalate to the leader, escalate to
  the manager) are replaced by the cron ``cs_property.cron_sla_process``; left
  in place they would warn and escalate every line a second time;
* the two creation rules gained ``cs_batch`` (one run per batch of tickets,
  not one per ticket);
* staff may now write inspections (the inspecting team does them), so the
  record rules of the *inspected* team became read-only.

Only the add-on's own records are touched, by xmlid and only if still there;
rules that users created stay as they are.
"""

import logging

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger(__name__)

OBSOLETE_RULES = {
    "automation_sla_warning": "action_sla_warning",
    "automation_sla_escalation_1": "action_sla_escalation_1",
    "automation_sla_escalation_2": "action_sla_escalation_2",
}
BATCH_RULES = ("automation_complaint_created", "automation_repair_created")


def _ref(env, name):
    return env.ref(f"cs_property.{name}", raise_if_not_found=False)


def upgrade_automation(env):
    """Remove the obsolete SLA rules and batch the creation rules; returns the
    xmlids removed and the xmlids batched (nothing the second time)."""
    removed = []
    for rule_name, action_name in OBSOLETE_RULES.items():
        rule = _ref(env, rule_name)
        # the actions first, through the ORM: the database's cascade from the
        # rule would leave their xmlids behind
        actions = rule.action_server_ids if rule else env["ir.actions.server"]
        actions |= _ref(env, action_name) or actions.browse()
        if actions:
            actions.unlink()
        if rule:
            rule.unlink()
            removed.append(rule_name)
    batched = []
    for rule_name in BATCH_RULES:
        rule = _ref(env, rule_name)
        if rule and not rule.cs_batch:
            rule.cs_batch = True
            batched.append(rule_name)
    if removed or batched:
        _logger.info(
            "cs_property: SLA automation rules replaced by the SLA cron: %s; "
            "creation rules now run once per batch: %s",
            ", ".join(removed) or "-",
            ", ".join(batched) or "-",
        )
    return removed, batched


INSPECTED_TEAM_RULES = ("rule_cs_property_inspection_team", "rule_cs_property_inspection_line_team")


def readonly_inspected_team_rules(env):
    """The inspected team reads its inspections, it does not do them."""
    rules = env["ir.rule"].browse(
        rule.id for rule in (_ref(env, name) for name in INSPECTED_TEAM_RULES) if rule
    )
    rules.write({"perm_write": False, "perm_create": False, "perm_unlink": False})
    return rules


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    upgrade_automation(env)
    readonly_inspected_team_rules(env)
