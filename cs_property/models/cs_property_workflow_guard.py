import functools
import secrets

from lxml import etree

from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools.i18n import format_list

from .cs_property_workflow_mixin import _TRANSITION_KEY, _TRANSITION_TOKEN

# Proof that a write comes from ``_workflow_correct`` (a manager's tracked
# reopening), like the transition token of ``_set_state``.
_CORRECTION_TOKEN = secrets.token_hex(16)
_CORRECTION_KEY = "cs_property_correction"
# the roles of the add-on, for the models' _workflow_step_roles
AGENT = "cs_property.group_property_agent"
TECHNICIAN = "cs_property.group_property_technician"
INSPECTOR = "cs_property.group_property_inspector"
MANAGER = "cs_property.group_property_manager"
FINANCE = "account.group_account_invoice"
# never frozen by "__all__": chatter, activities and the ORM's bookkeeping
_BOOKKEEPING_PREFIXES = ("message_", "activity_", "website_message", "rating_")
_EXEMPT_MIXINS = ("cs.property.callback.mixin", "cs.property.sla.mixin")
_BOOKKEEPING = {"id", "display_name", "create_uid", "create_date", "write_uid", "write_date"}


def _guarded(name, method):
    """``method`` preceded by the role check of step ``name``; keeps what
    the ORM and RPC read on the function (``_api_model``, ``_api_private``…)."""

    @functools.wraps(method)
    def guarded(self, *args, **kwargs):
        self._workflow_check_role(name)
        return method(self, *args, **kwargs)

    guarded._cs_workflow_guarded = True
    return guarded


class CsPropertyWorkflowGuard(models.AbstractModel):
    """Declarations every workflow model makes (see README, "workflow mixin"):

    * ``_workflow_step_roles`` — who may run each ``action_*``: group xmlids,
      ``"any"``, or a word ``tok`` answered per record by ``_role_<tok>()``;
      checked on the server before the step, however it is called;
    * ``_workflow_locked_fields`` — ``{state or (states): field names or
      "__all__"}``: what a plain write can no longer change in those states
      (``_workflow_lock_exempt`` stays writable);
    * ``_workflow_correction_state`` — ``{locked state: state it reopens
      into}``: a manager's tracked "reopen for correction" with a reason.
    """

    _inherit = "cs.property.workflow.mixin"

    _workflow_step_roles = {}
    _workflow_locked_fields = {}
    _workflow_lock_exempt = ()
    _workflow_correction_state = {}
    # fields only the model's own steps write (levels, flags, dates the steps
    # set): a user's write is refused in every state, like the state itself
    _workflow_system_fields = ()
    # steps of the mixin itself, unless the model declares them otherwise
    _workflow_mixin_step_roles = {"action_reopen_for_correction": (MANAGER,)}

    # ------------------------------------------------------------ step roles
    def _register_hook(self):
        result = super()._register_hook()
        cls = type(self)
        if self._abstract:
            return result
        for name in self._workflow_all_step_roles():
            method = getattr(cls, name, None)
            if callable(method) and not getattr(method, "_cs_workflow_guarded", False):
                setattr(cls, name, _guarded(name, method))
        return result

    def _unregister_hook(self):
        cls = type(self)
        for name in self._workflow_all_step_roles():
            method = cls.__dict__.get(name)
            if getattr(method, "_cs_workflow_guarded", False):
                setattr(cls, name, method.__wrapped__)
        return super()._unregister_hook()

    @api.model
    def _workflow_all_step_roles(self):
        return {**self._workflow_mixin_step_roles, **type(self)._workflow_step_roles}

    @api.model
    def _workflow_role_label(self, token):
        """Who a token stands for, in the user's language: a group's name
        (invoicing: "Finance"), a predicate's label (overridden per model)."""
        if token == "account.group_account_invoice":
            return self.env._("Finance")
        if "." in token:
            return self.env.ref(token).sudo().with_context(lang=self.env.lang).name
        return token.replace("_", " ")

    @api.model
    def _workflow_step_label(self, method):
        """The step's button label on the model's form (user's language)."""
        if method == "action_reopen_for_correction":
            return self.env._("Reopen for Correction")
        View = self.env["ir.ui.view"].sudo()
        view_id = View.default_view(self._name, "form")
        if view_id:
            arch = View.browse(view_id).with_context(lang=self.env.lang)._get_combined_arch()
            for button in arch.xpath("//button[@name=$name][@string]", name=method):
                return button.get("string")
        return method

    def _workflow_check_role(self, method):
        """Refuse ``method`` to a user none of its roles grants (UserError)."""
        if self.env.su:
            return True
        # a record the user may not see stays an access error (and its name
        # is not told); the roles are about the records the user works on
        self.check_access("read")
        tokens = self._workflow_all_step_roles().get(method)
        if tokens is None or "any" in tokens:
            return True
        user = self.env.user
        if any(user.has_group(token) for token in tokens if "." in token):
            return True
        predicates = [token for token in tokens if "." not in token]
        refused = self.filtered(
            lambda record: not any(getattr(record, f"_role_{tok}")() for tok in predicates)
        )
        if not refused and (self or predicates):
            return True  # (no record: nothing a per-record role could refuse)
        record = refused[:1]
        labels = [self._workflow_role_label(token) for token in tokens]
        raise UserError(
            self.env._(
                "%(form)s %(name)s: “%(step)s” can only be done by %(roles)s.",
                form=self.env["ir.model"]._get(self._name).name,
                name=record.display_name or "",
                step=self._workflow_step_label(method),
                roles=format_list(self.env, labels, style="or"),
            )
        )

    # ------------------------------------------------------------ locked fields
    def _workflow_lock_bypassed(self):
        context = self.env.context
        return (
            self.env.su
            or context.get(_TRANSITION_KEY) == _TRANSITION_TOKEN
            or context.get(_CORRECTION_KEY) == _CORRECTION_TOKEN
        )

    @api.model
    def _workflow_lockable_fields(self):
        """What ``"__all__"`` freezes: every stored field, computed ones too
        (a client can write a computed field: the score of an inspection);
        recomputations do not go through ``write`` and stay possible."""
        exempt = set(self._workflow_lock_exempt) | _BOOKKEEPING
        exempt.add(self._workflow_state_field)
        # callbacks after closing and SLA clocks keep their own rules
        for mixin in _EXEMPT_MIXINS:
            if mixin in self.env:
                exempt |= set(self.env[mixin]._fields)
        return {
            name
            for name, field in self._fields.items()
            if field.store and name not in exempt and not name.startswith(_BOOKKEEPING_PREFIXES)
        }

    def _workflow_frozen_fields(self, state=None):
        """Field names frozen in ``state`` (default: the record's state)."""
        if state is None:
            state = self[self._workflow_state_field]
        frozen = set()
        for key, names in type(self)._workflow_locked_fields.items():
            if state == key or (not isinstance(key, str) and state in key):
                frozen |= self._workflow_lockable_fields() if names == "__all__" else set(names)
        return frozen

    def _workflow_refuse_locked(self, field_names):
        labels = [self._fields[name]._description_string(self.env) for name in field_names]
        state = self[self._workflow_state_field]
        values = {
            "form": self.env["ir.model"]._get(self._name).name,
            "name": self.display_name,
            "state": self._state_label(state),
            "fields": format_list(self.env, sorted(labels)),
        }
        if state in type(self)._workflow_correction_state:
            raise UserError(
                self.env._(
                    "%(form)s %(name)s is “%(state)s”: %(fields)s can no longer be changed. "
                    "A manager can reopen it for correction.",
                    **values,
                )
            )
        raise UserError(
            self.env._(
                "%(form)s %(name)s is “%(state)s”: %(fields)s can no longer be changed.",
                **values,
            )
        )

    def _workflow_changes(self, vals, names):
        """The fields of ``names`` that ``vals`` really changes on this record
        (an import or a client sending the value it read changes nothing)."""
        changed = []
        for name in names:
            field = self._fields[name]
            if field.type in ("one2many", "many2many"):
                changed.append(name)
                continue
            try:
                value = field.convert_to_record(field.convert_to_cache(vals[name], self), self)
            except (ValueError, TypeError):
                value = None
            if value != self[name]:
                changed.append(name)
        return changed

    def _workflow_check_locked(self, vals):
        if not type(self)._workflow_locked_fields or self._workflow_lock_bypassed():
            return True
        touched = set(vals)
        for state, records in self.grouped(self._workflow_state_field).items():
            frozen = touched & self._workflow_frozen_fields(state)
            for record in records if frozen else ():
                changed = record._workflow_changes(vals, frozen)
                if changed:
                    record._workflow_refuse_locked(changed)
        return True

    def _workflow_check_system(self, vals):
        system = set(vals) & set(type(self)._workflow_system_fields)
        if not system or self._workflow_lock_bypassed():
            return True
        for record in self:
            changed = record._workflow_changes(vals, system)
            if changed:
                labels = [record._fields[name]._description_string(self.env) for name in changed]
                raise UserError(
                    self.env._(
                        "%(form)s %(name)s: %(fields)s are set by the workflow's steps, "
                        "not by hand.",
                        form=self.env["ir.model"]._get(self._name).name,
                        name=record.display_name,
                        fields=format_list(self.env, sorted(labels)),
                    )
                )
        return True

    def _workflow_system_write(self, vals):
        """The model's own step writes its system fields (after its guards)."""
        return self.with_context(**{_TRANSITION_KEY: _TRANSITION_TOKEN}).write(vals)

    def write(self, vals):
        self._workflow_check_system(vals)
        self._workflow_check_locked(vals)
        return super().write(vals)

    # ------------------------------------------------------------ correction
    def action_reopen_for_correction(self):
        """A manager reopens a locked record: the wizard asks the reason."""
        self._workflow_check_correctable()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Reopen for Correction"),
            "res_model": "cs.property.correction.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_res_model": self._name, "default_res_ids": str(self.ids)},
        }

    def _workflow_check_correctable(self):
        reopen = type(self)._workflow_correction_state
        for record in self:
            state = record[record._workflow_state_field]
            if state not in reopen:
                raise UserError(
                    self.env._(
                        "%(form)s %(name)s is “%(state)s”: it cannot be reopened for "
                        "correction in this state.",
                        form=self.env["ir.model"]._get(self._name).name,
                        name=record.display_name,
                        state=record._state_label(state),
                    )
                )
        return True

    def _workflow_correct(self, reason):
        """Reopen for correction: a tracked note (who, when, why) and the
        state the model declares for it. Only the step's roles may."""
        self._workflow_check_role("action_reopen_for_correction")
        self._workflow_check_correctable()
        if not (reason or "").strip():
            raise UserError(self.env._("Give the reason for the correction."))
        reopen = type(self)._workflow_correction_state
        for record in self:
            state = record[record._workflow_state_field]
            target = reopen[state]
            if hasattr(record, "message_post"):
                record.message_post(
                    body=record.env._(
                        "Reopened for correction (“%(from)s” → “%(to)s”) by %(user)s: %(reason)s",
                        **{
                            "from": record._state_label(state),
                            "to": record._state_label(target),
                            "user": self.env.user.name,
                            "reason": reason,
                        },
                    ),
                    message_type="comment",
                    subtype_xmlid="mail.mt_note",
                )
            record.with_context(**{_CORRECTION_KEY: _CORRECTION_TOKEN})._set_state(target)
        return True

    # ------------------------------------------------------------ the button
    @api.model
    def _get_view(self, view_id=None, view_type="form", **options):
        arch, view = super()._get_view(view_id, view_type, **options)
        reopen = type(self)._workflow_correction_state
        name = "action_reopen_for_correction"
        header = arch.find("header") if view_type == "form" and reopen else None
        if header is not None and not arch.xpath("//button[@name=$n]", n=name):
            groups = [t for t in self._workflow_all_step_roles()[name] if "." in t]
            button = etree.SubElement(header, "button")
            button.attrib.update(
                {
                    "name": name,
                    "type": "object",
                    "string": self.env._("Reopen for Correction"),
                    "invisible": f"{self._workflow_state_field} not in {list(reopen)!r}",
                }
            )
            if groups and "any" not in self._workflow_all_step_roles()[name]:
                button.set("groups", ",".join(groups))
        if view_type == "form":
            self._workflow_readonly_when_locked(arch)
        return arch, view

    @api.model
    def _workflow_readonly_when_locked(self, arch):
        """What a state freezes is shown read-only in it, and the system fields
        always: the form says what the server would refuse on save."""
        state_field = self._workflow_state_field
        if not arch.xpath("//field[@name=$n][not(ancestor::field)]", n=state_field):
            return  # the expression needs the state on the form
        frozen_in = {}
        for key, names in type(self)._workflow_locked_fields.items():
            states = [key] if isinstance(key, str) else list(key)
            names = self._workflow_lockable_fields() if names == "__all__" else names
            for name in names:
                frozen_in.setdefault(name, []).extend(states)
        system = set(type(self)._workflow_system_fields)
        for node in arch.xpath("//field[not(ancestor::field)]"):
            name = node.get("name")
            if name == state_field or (name not in frozen_in and name not in system):
                continue
            current = (node.get("readonly") or "").strip()
            if current in ("1", "True", "true"):
                continue
            if name in system:
                node.set("readonly", "True")
                continue
            locked = f"{state_field} in {sorted(set(frozen_in[name]))!r}"
            node.set(
                "readonly",
                f"({current}) or ({locked})" if current not in ("", "0", "False") else locked,
            )
