from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CsPropertySlaTarget(models.Model):
    """One clock of a policy: e.g. first response in 24 working hours."""

    _name = "cs.property.sla.target"
    _description = "SLA Target"
    _order = "policy_id, sequence, id"

    policy_id = fields.Many2one(
        "cs.property.sla.policy", required=True, ondelete="cascade", index=True
    )
    model_name = fields.Char(related="policy_id.model_name")
    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    hours = fields.Float(
        string="Working Hours",
        required=True,
        help="Time allowed, in working hours of the estate's calendar (holidays excluded).",
    )
    warning_hours = fields.Float(
        string="Warn Before (hours)",
        default=4.0,
        help="The responsible people get a warning this many hours before the deadline "
        "(0: no warning). The SLA cron checks every few minutes.",
    )
    escalation_hours = fields.Float(
        string="Escalate to Manager After (hours)",
        default=24.0,
        help="A breach goes to the team leader at the deadline and, if the target is "
        "still not reached this many hours later, to the CS manager.",
    )
    reach_states = fields.Char(
        string="Reached in States",
        required=True,
        help="Comma-separated states that satisfy the target, e.g. assessed,proposed.",
    )
    pause_states = fields.Char(
        string="Paused in States",
        help="Comma-separated states in which the clock stops, e.g. waiting for the customer.",
    )

    reach_state_names = fields.Char(
        string="Reached when",
        compute="_compute_state_names",
        inverse="_inverse_reach_state_names",
        help="States (by their names, comma-separated) that satisfy the target.",
    )
    pause_state_names = fields.Char(
        string="Clock stops when",
        compute="_compute_state_names",
        inverse="_inverse_pause_state_names",
        help="States (by their names, comma-separated) in which the clock stops.",
    )

    @api.depends("policy_id.name", "name")
    def _compute_display_name(self):
        # Policies reuse target names ("First response"): the report needs both
        for target in self:
            target.display_name = (
                f"{target.policy_id.name} / {target.name}" if target.policy_id else target.name
            )

    def _state_labels(self):
        """The states of the policy's model as {key: label} in the user's language."""
        self.ensure_one()
        if not self.model_name:
            return {}
        model = self.env[self.model_name]
        field = model._fields[model._sla_state_field()]
        return dict(field._description_selection(self.env))

    @api.depends("reach_states", "pause_states", "model_name")
    @api.depends_context("lang")
    def _compute_state_names(self):
        for target in self:
            labels = target._state_labels()
            for keys, names in (
                ("reach_states", "reach_state_names"),
                ("pause_states", "pause_state_names"),
            ):
                states = [s.strip() for s in (target[keys] or "").split(",") if s.strip()]
                target[names] = ", ".join(labels.get(s, s) for s in states)

    def _keys_from_names(self, names):
        """State keys from names typed in the user's language (keys accepted too);
        an unknown name is kept as typed, so the check below names it."""
        keys = {label.casefold(): key for key, label in self._state_labels().items()}
        tokens = [t.strip() for t in (names or "").replace("，", ",").split(",") if t.strip()]
        return ",".join(keys.get(t.casefold(), t) for t in tokens)

    @api.onchange("reach_state_names", "pause_state_names")
    def _onchange_state_names(self):
        # the stored keys follow at once, so a new line is valid before saving
        self.reach_states = self._keys_from_names(self.reach_state_names)
        self.pause_states = self._keys_from_names(self.pause_state_names)

    def _inverse_reach_state_names(self):
        for target in self:
            target.reach_states = target._keys_from_names(target.reach_state_names)

    def _inverse_pause_state_names(self):
        for target in self:
            target.pause_states = target._keys_from_names(target.pause_state_names)

    @staticmethod
    def _split(value):
        return {s.strip() for s in (value or "").split(",") if s.strip()}

    def _reach_set(self):
        return self._split(self.reach_states)

    def _pause_set(self):
        return self._split(self.pause_states)

    @api.constrains("hours", "warning_hours", "escalation_hours", "reach_states", "pause_states")
    def _check_target(self):
        for target in self:
            if target.hours <= 0:
                raise ValidationError(
                    self.env._(
                        "SLA target “%(name)s”: the working hours must be greater than zero.",
                        name=target.name,
                    )
                )
            if target.warning_hours < 0 or target.escalation_hours < 0:
                raise ValidationError(
                    self.env._(
                        "SLA target “%(name)s”: the warning and escalation hours cannot be "
                        "negative.",
                        name=target.name,
                    )
                )
            model = self.env[target.policy_id.model_name]
            states = model._fields[model._sla_state_field()].get_values(self.env)
            unknown = (target._reach_set() | target._pause_set()) - set(states)
            if unknown:
                raise ValidationError(
                    self.env._(
                        "SLA target “%(name)s”: unknown states %(unknown)s; valid states "
                        "are %(states)s.",
                        name=target.name,
                        unknown=", ".join(sorted(unknown)),
                        states=", ".join(states),
                    )
                )
            if target._reach_set() & target._pause_set():
                raise ValidationError(
                    self.env._(
                        "SLA target “%(name)s”: a state cannot both pause and reach the target.",
                        name=target.name,
                    )
                )
