from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Domain
from odoo.tools.safe_eval import safe_eval


class CsPropertySlaPolicy(models.Model):
    """Which records get which service-level targets.

    Policies are tried by sequence; the first one whose estates and criteria
    match a record gives that record its SLA lines (one per target). Put the
    specific policies (major complaints) before the general ones.
    """

    _name = "cs.property.sla.policy"
    _description = "SLA Policy"
    _order = "model_name, sequence, id"

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    model_id = fields.Many2one(
        "ir.model",
        string="Applies to",
        required=True,
        ondelete="cascade",
        domain=lambda self: [("model", "in", self._sla_model_names())],
    )
    model_name = fields.Char(related="model_id.model", store=True, index=True)
    company_id = fields.Many2one(
        "res.company", help="Leave empty to apply in every company.", index=True
    )
    estate_ids = fields.Many2many(
        "cs.property.estate", string="Estates", help="Leave empty to apply in every estate."
    )
    domain = fields.Char(
        string="Criteria",
        default="[]",
        help="Records this policy applies to, e.g. category or severity.",
    )
    target_ids = fields.One2many("cs.property.sla.target", "policy_id", string="Targets", copy=True)
    note = fields.Text()

    @api.model
    def _sla_model_names(self):
        return [
            name
            for name, model in self.env.registry.items()
            if not model._abstract and issubclass(model, self.env.registry["cs.property.sla.mixin"])
        ] or ["cs.property.complaint"]

    @api.constrains("domain", "model_id")
    def _check_domain(self):
        for policy in self:
            try:
                self.env[policy.model_name].search_count(policy._criteria(), limit=1)
            except (ValueError, SyntaxError, NameError, KeyError, TypeError) as error:
                raise ValidationError(
                    self.env._(
                        "SLA policy “%(name)s”: the criteria are not a valid domain for "
                        "%(model)s (%(error)s).",
                        name=policy.name,
                        model=policy.model_id.name,
                        error=error,
                    )
                ) from error

    def _criteria(self):
        self.ensure_one()
        return Domain(safe_eval(self.domain or "[]"))

    def _match(self, records):
        """Map each record to the first matching policy of ``self`` (sorted).

        One filtered_domain per policy, never one query per record.
        """
        result = {}
        remaining = records
        for policy in self.sorted(lambda p: (p.sequence, p.id)):
            if not remaining:
                break
            candidates = remaining.filtered(
                lambda r, policy=policy: (
                    (not policy.company_id or r.company_id == policy.company_id)
                    and (not policy.estate_ids or r.estate_id in policy.estate_ids)
                )
            )
            matched = candidates.filtered_domain(policy._criteria())
            for record in matched:
                result[record] = policy
            remaining -= matched
        return result
