from odoo import api, fields, models


class CsPropertySlaPolicy(models.Model):
    """Which records get which service-level targets: the first policy whose
    estates, company and criteria match a record gives it one SLA line per
    target."""

    _name = "cs.property.sla.policy"
    _description = "SLA Policy"
    _inherit = ["cs.property.policy.mixin"]
    _order = "model_name, sequence, id"

    model_id = fields.Many2one(domain=lambda self: [("model", "in", self._sla_model_names())])
    company_id = fields.Many2one(
        "res.company", help="Leave empty to apply in every company.", index=True
    )
    estate_ids = fields.Many2many(
        "cs.property.estate", string="Estates", help="Leave empty to apply in every estate."
    )
    target_ids = fields.One2many("cs.property.sla.target", "policy_id", string="Targets", copy=True)
    note = fields.Text()

    @api.model
    def _sla_model_names(self):
        mixin = self.env.registry["cs.property.sla.mixin"]
        return [
            name
            for name, model in self.env.registry.items()
            if not model._abstract and issubclass(model, mixin)
        ]

    def _candidates(self, records):
        return records.filtered(
            lambda r: (
                (not self.company_id or r.company_id == self.company_id)
                and (not self.estate_ids or r.estate_id in self.estate_ids)
            )
        )
