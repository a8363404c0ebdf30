from odoo import api, fields, models


class CsPropertyReworkProgress(models.Model):
    """A progress note of a rework order, with a photo; the owner is told."""

    _name = "cs.property.rework.progress"
    _description = "Rework Progress Note"
    _order = "date desc, id desc"

    rework_id = fields.Many2one(
        "cs.property.rework", required=True, index=True, ondelete="cascade", string="Rework Order"
    )
    estate_id = fields.Many2one(related="rework_id.estate_id", store=True, index=True)
    company_id = fields.Many2one(related="rework_id.company_id", store=True, index=True)
    date = fields.Datetime(required=True, default=fields.Datetime.now)
    user_id = fields.Many2one("res.users", default=lambda self: self.env.user, readonly=True)
    note = fields.Text(required=True)
    photo = fields.Image(max_width=1024, max_height=1024, attachment=True)

    @api.model_create_multi
    def create(self, vals_list):
        notes = super().create(vals_list)
        for note in notes:
            order = note.rework_id
            # a comment (not a note) so the owner, a follower, receives it by e-mail
            order.message_post(
                body=self.env._("Rework progress: %(note)s", note=note.note),
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                partner_ids=order.partner_id.ids,
            )
        return notes
