import base64

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.image import image_data_uri

PASS_STATES = [("valid", "Issued"), ("revoked", "Revoked"), ("expired", "Expired")]


class CsPropertyRenovationPass(models.Model):
    """A worker pass (出入证): no pass, no entry (装修管理办法 4.3.1.1).

    Valid only within the approved works period (and its extensions); it ends
    revoked (by the office) or expired (its period is over, or the works
    passed the final acceptance) and neither comes back: a new pass is issued.
    """

    _name = "cs.property.renovation.pass"
    _description = "Renovation Worker Pass"
    _inherit = ["mail.thread", "cs.property.workflow.mixin"]
    _workflow_step_roles = {
        "action_revoke": ("cs_property.group_property_agent",),
    }
    _workflow_locked_fields = {("revoked", "expired"): "__all__"}
    _order = "renovation_id, id"
    _rec_name = "number"

    number = fields.Char(
        string="Pass Number", required=True, readonly=True, copy=False, default="/", index=True
    )
    renovation_id = fields.Many2one(
        "cs.property.renovation", required=True, index=True, ondelete="restrict"
    )
    estate_id = fields.Many2one(related="renovation_id.estate_id", store=True, index=True)
    company_id = fields.Many2one(related="renovation_id.company_id", store=True, index=True)
    unit_id = fields.Many2one(related="renovation_id.unit_id", store=True)
    worker_name = fields.Char(string="Worker", required=True, tracking=True)
    id_number = fields.Char(
        string="ID Number", required=True, groups="cs_property.group_property_user"
    )
    id_number_masked = fields.Char(
        string="ID (masked)", compute="_compute_id_number_masked", store=True
    )
    photo = fields.Image(max_width=512, max_height=512, attachment=True)
    date_from = fields.Date(string="Valid From", required=True)
    date_to = fields.Date(string="Valid Until", required=True, tracking=True)
    state = fields.Selection(
        PASS_STATES,
        default="valid",
        required=True,
        tracking=True,
        readonly=True,
        index=True,
        copy=False,
        group_expand="_read_group_all_states",
    )
    revoke_reason = fields.Char(readonly=True)

    _number_uniq = models.Constraint("unique(number)", "A pass number is unique.")

    def _workflow_final_states(self):
        return ("revoked", "expired")

    def _workflow_folded_states(self):
        return ("revoked", "expired")

    @api.constrains("date_from", "date_to", "renovation_id")
    def _check_works_period(self):
        """A pass runs within the approved works period; an approved extension
        moves the period's end (and the passes with it)."""
        for card in self.filtered(lambda c: c.state == "valid"):
            reno = card.renovation_id
            if (
                card.date_from > card.date_to
                or card.date_from < reno.date_start
                or (card.date_to > reno.date_end)
            ):
                raise ValidationError(
                    self.env._(
                        "Pass %(number)s: a pass is valid only within the approved works "
                        "period of %(name)s, %(start)s to %(end)s (extensions included).",
                        number=card.number,
                        name=reno.name,
                        start=reno.date_start,
                        end=reno.date_end,
                    )
                )

    @api.depends("id_number")
    def _compute_id_number_masked(self):
        for card in self.sudo():
            number = card.id_number or ""
            card.id_number_masked = (
                number[:3] + "*" * (len(number) - 7) + number[-4:] if len(number) > 7 else "****"
            )

    @api.model_create_multi
    def create(self, vals_list):
        renos = self.env["cs.property.renovation"].browse(
            [vals["renovation_id"] for vals in vals_list]
        )
        for reno in renos:
            if reno.state != "works":
                raise UserError(
                    self.env._(
                        "Renovation %(name)s: passes are issued only with the permit, while "
                        "the works run.",
                        name=reno.name,
                    )
                )
        for vals in vals_list:
            reno = renos.browse(vals["renovation_id"])
            vals.setdefault("date_from", reno.date_start)
            vals.setdefault("date_to", reno.date_end)
            if vals.get("number", "/") == "/":
                vals["number"] = self.env["ir.sequence"].next_by_code("cs.property.renovation.pass")
        passes = super().create(vals_list)
        passes._check_worker_count()
        return passes

    def _check_worker_count(self):
        for reno in self.renovation_id:
            valid = reno.pass_ids.filtered(lambda p: p.state == "valid")
            if len(valid) > reno.worker_count:
                raise UserError(
                    self.env._(
                        "Renovation %(name)s: %(count)s workers were declared and paid for; "
                        "declare more workers before issuing more passes.",
                        name=reno.name,
                        count=reno.worker_count,
                    )
                )

    def action_revoke(self):
        for card in self:
            if card.state != "valid":
                raise UserError(
                    self.env._(
                        "Pass %(number)s is already “%(state)s”.",
                        number=card.number,
                        state=card._state_label(card.state),
                    )
                )
        self._set_state(
            "revoked", {"revoke_reason": self.env.context.get("revoke_reason") or False}
        )
        return True

    def _expire(self):
        """Its period is over, or the works ended: the pass lets nobody in any more."""
        return self.filtered(lambda c: c.state == "valid")._set_state("expired")

    @api.model
    def _cron_expire(self):
        """Daily: valid passes past their end date, or of works no longer
        running, expire (one search, one write)."""
        today = fields.Date.context_today(self)
        cards = self.search(
            [
                ("state", "=", "valid"),
                "|",
                ("date_to", "<", today),
                ("renovation_id.state", "not in", ("works", "acceptance")),
            ]
        )
        cards._expire()
        return True

    def _qr_data_uri(self, size=150):
        """The pass's QR code, as an inline image: wkhtmltopdf then needs no
        HTTP round trip to the barcode route. It encodes the bare pass number,
        which is what the gate check looks up."""
        self.ensure_one()
        png = self.env["ir.actions.report"].barcode("QR", self.number, width=size, height=size)
        return image_data_uri(base64.b64encode(png))

    @api.model
    def gate_check(self, number, on_date=None):
        """What the gate sees when a pass is shown or scanned: (result, reason).

        ``result`` is ``valid``, ``invalid`` or ``expired``; workers without a
        valid pass are refused entry."""
        on_date = on_date or fields.Date.context_today(self)
        card = self.search([("number", "=", (number or "").strip())], limit=1)
        if not card:
            return "invalid", self.env._("No pass has this number: refuse entry.")
        if card.state == "revoked":
            return "invalid", self.env._(
                "Pass %(number)s was revoked: refuse entry.", number=card.number
            )
        if card.state == "expired":
            return "expired", self.env._(
                "Pass %(number)s expired on %(date)s: refuse entry.",
                number=card.number,
                date=min(card.date_to, card.renovation_id.date_end),
            )
        if card.renovation_id.state != "works":
            return "invalid", self.env._(
                "The works of %(unit)s are not running (%(state)s): refuse entry.",
                unit=card.unit_id.display_name,
                state=card.renovation_id._state_label(card.renovation_id.state),
            )
        if on_date < card.date_from:
            return "invalid", self.env._(
                "Pass %(number)s is valid only from %(date)s: refuse entry.",
                number=card.number,
                date=card.date_from,
            )
        end = min(card.date_to, card.renovation_id.date_end)
        if on_date > end:
            return "expired", self.env._(
                "Pass %(number)s expired on %(date)s: refuse entry.",
                number=card.number,
                date=end,
            )
        return "valid", self.env._(
            "Pass %(number)s of %(worker)s is valid for %(unit)s until %(date)s; work hours "
            "%(hours)s.",
            number=card.number,
            worker=card.worker_name,
            unit=card.unit_id.display_name,
            date=card.date_to,
            hours=card.renovation_id.work_hours,
        )
