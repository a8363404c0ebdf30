from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Domain
from odoo.tools.safe_eval import safe_eval


class CsPropertyPolicyMixin(models.AbstractModel):
    """A rule that applies to the records of one model matching its criteria.

    Policies of a model are tried by sequence and the first match wins, so
    administrators put the specific ones (major complaints, paid repairs)
    before the general ones.
    """

    _name = "cs.property.policy.mixin"
    _description = "Policy Mixin"
    _order = "model_name, sequence, id"

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    model_id = fields.Many2one("ir.model", string="Applies to", required=True, ondelete="cascade")
    model_name = fields.Char(related="model_id.model", store=True, index=True)
    domain = fields.Char(
        string="Criteria",
        default="[]",
        help="Records this policy applies to, e.g. category or severity.",
    )

    @api.constrains("domain", "model_id")
    def _check_domain(self):
        for policy in self:
            try:
                self.env[policy.model_name].search_count(policy._criteria(), limit=1)
            except (ValueError, SyntaxError, NameError, KeyError, TypeError) as error:
                raise ValidationError(
                    self.env._(
                        "Policy “%(name)s”: the criteria are not a valid domain for "
                        "%(model)s (%(error)s).",
                        name=policy.name,
                        model=policy.model_id.name,
                        error=error,
                    )
                ) from error

    def _criteria(self):
        self.ensure_one()
        return Domain(safe_eval(self.domain or "[]"))

    def _candidates(self, records):
        """Hook: the records this policy may apply to before its criteria."""
        return records

    def _match(self, records):
        """Map each record to the first matching policy of ``self``: one
        filtered_domain per policy, never one query per record."""
        result = {}
        remaining = records
        for policy in self.sorted(lambda p: (p.sequence, p.id)):
            if not remaining:
                break
            matched = policy._candidates(remaining).filtered_domain(policy._criteria())
            for record in matched:
                result[record] = policy
            remaining -= matched
        return result
