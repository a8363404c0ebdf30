from odoo import api, fields, models
from odoo.exceptions import ValidationError

# Knuth's multiplicative hash spreads consecutive ids evenly over 0..9999, so a
# 20 % sample is really every fifth record on average, and re-running the
# decision on the same record always gives the same answer.
_HASH = 2654435761


class CsPropertyCallbackPolicy(models.Model):
    """Which completed records get a callback (回访), and how soon."""

    _name = "cs.property.callback.policy"
    _description = "Callback Policy"
    _inherit = ["cs.property.policy.mixin"]
    _order = "model_name, sequence, id"

    sample_rate = fields.Float(
        string="Sampled (%)",
        default=100.0,
        help="Share of the matching records that get a callback; 100 means all.",
    )
    window_hours = fields.Float(
        string="Within (hours)",
        default=168.0,
        help="The callback is due this many hours after completion (168 = 7 days).",
    )
    required_to_close = fields.Boolean(
        default=True, help="A sampled record cannot be closed before its callback is logged."
    )

    @api.constrains("sample_rate", "window_hours")
    def _check_values(self):
        for policy in self:
            if not 0 < policy.sample_rate <= 100:
                raise ValidationError(
                    self.env._(
                        "Callback policy “%(name)s”: the sampled share must be between "
                        "0 and 100 %%.",
                        name=policy.name,
                    )
                )
            if policy.window_hours <= 0:
                raise ValidationError(
                    self.env._(
                        "Callback policy “%(name)s”: the window must be greater than zero.",
                        name=policy.name,
                    )
                )

    def _is_sampled(self, record):
        self.ensure_one()
        if self.sample_rate >= 100:
            return True
        return (record.id * _HASH) % 10000 < self.sample_rate * 100
