from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """Issue 22 (h22money), called from post-migrate.

    1. The arrears ladder now climbs one level at a time, once the current
       level's action is done or skipped: open follow-ups already at a level
       have that level's action due.
    2. The renovation deposit amounts count only posted entries now: recompute
       them, so a register whose entry was reset to draft before the fix
       follows the books again.
    """
    cr.execute(
        """
        UPDATE cs_property_arrears_followup
           SET level_state = 'todo'
         WHERE level_id IS NOT NULL AND level_state IS NULL AND state = 'open'
        """
    )
    env = api.Environment(cr, SUPERUSER_ID, {})
    Renovation = env["cs.property.renovation"].with_context(active_test=False)
    renovations = Renovation.search([("deposit_line_ids", "!=", False)])
    for name in ("deposit_received", "deposit_deducted", "deposit_refunded", "deposit_held"):
        env.add_to_compute(Renovation._fields[name], renovations)
    Renovation.flush_model()
