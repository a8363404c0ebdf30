"""Issue #15 §3/§4 (helper h15ri): bring existing databases in line with the
new rules. Called from post-migrate.py by the lead."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    # units whose works run show "Under Renovation"; their status before is kept
    cr.execute(
        """
        UPDATE cs_property_renovation r
           SET unit_previous_state = u.state
          FROM cs_property_unit u
         WHERE u.id = r.unit_id
           AND r.state IN ('works', 'acceptance')
           AND u.state != 'renovating'
        """
    )
    cr.execute(
        """
        UPDATE cs_property_unit u
           SET state = 'renovating'
          FROM cs_property_renovation r
         WHERE u.id = r.unit_id AND r.state IN ('works', 'acceptance')
        """
    )
    # passes past their period, or of works no longer running, are expired
    cr.execute(
        """
        UPDATE cs_property_renovation_pass p
           SET state = 'expired'
          FROM cs_property_renovation r
         WHERE r.id = p.renovation_id
           AND p.state = 'valid'
           AND (p.date_to < CURRENT_DATE OR r.state NOT IN ('works', 'acceptance'))
        """
    )
    # service orders raised from a failed item know their non-conformity
    cr.execute(
        """
        UPDATE cs_property_repair o
           SET nonconformity_id = n.id
          FROM cs_property_inspection_line l
          JOIN cs_property_nonconformity n ON n.line_id = l.id
         WHERE l.repair_id = o.id AND o.nonconformity_id IS NULL
        """
    )
    # the rectification clocks of open notices end with their "Rectify By" day
    env = api.Environment(cr, SUPERUSER_ID, {})
    notices = env["cs.property.nonconformity"].search(
        [("state", "in", ("issued", "acknowledged", "rectified")), ("deadline", "!=", False)]
    )
    notices._sla_sync_deadline()
    # the patrol officer of every planned patrol gets its activity
    env["cs.property.renovation.patrol"].search([("state", "=", "planned")])._activity_patrol()
