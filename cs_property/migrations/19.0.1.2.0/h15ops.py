"""19.0.1.2.0 (issue 15 §2, handover and rework), called from post-migrate.py.

* The SLA clocks of a rework order now start when it is issued. Drafts of an
  older install already have running clocks (started on creation): they are
  removed, and the order gets its clocks when it is issued.
* The handover result of an appointment follows the latest inspection of the
  unit (a re-inspection accepted counts as handed over): it was a stored
  related field of the first inspection, now a stored compute that the
  upgrade does not recompute by itself.
"""

import logging

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger(__name__)


def drop_draft_rework_clocks(env):
    """Remove the running or paused SLA lines of draft rework orders; returns
    the number removed (0 the second time)."""
    drafts = (
        env["cs.property.rework"].with_context(active_test=False).search([("state", "=", "draft")])
    )
    lines = env["cs.property.sla.line"].search(
        [
            ("res_model", "=", "cs.property.rework"),
            ("res_id", "in", drafts.ids),
            ("status", "in", ("running", "paused")),
        ]
    )
    count = len(lines)
    lines.unlink()
    return count


def recompute_appointment_results(env):
    """Appointments follow the re-inspections of their unit."""
    appointments = env["cs.property.handover.appointment"].search([("handover_id", "!=", False)])
    names = ["latest_handover_id", "handover_state"]
    for name in names:
        env.add_to_compute(appointments._fields[name], appointments)
    appointments._recompute_recordset(names)
    return appointments


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    removed = drop_draft_rework_clocks(env)
    appointments = recompute_appointment_results(env)
    _logger.info(
        "cs_property: %s SLA clocks of draft rework orders removed (they start at the "
        "issue); handover results of %s appointments recomputed",
        removed,
        len(appointments),
    )
