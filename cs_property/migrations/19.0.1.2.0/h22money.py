def migrate(cr, version):
    """Issue 22 (h22money): the arrears ladder now climbs one level at a time,
    once the current level's action is done or skipped. Open follow-ups
    already at a level have that level's action due."""
    cr.execute(
        """
        UPDATE cs_property_arrears_followup
           SET level_state = 'todo'
         WHERE level_id IS NOT NULL AND level_state IS NULL AND state = 'open'
        """
    )
