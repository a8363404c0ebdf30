from odoo import api, models


class CsPropertyWorkflowLineMixin(models.AbstractModel):
    """A row that belongs to a workflow record (an inspection's items, a
    handover's keys…): it cannot be created, changed or deleted while the
    parent's one2many to these rows is frozen by the parent's
    ``_workflow_locked_fields``. Set ``_workflow_parent_field``."""

    _name = "cs.property.workflow.line.mixin"
    _description = "Line of a Guarded Workflow"
    _workflow_parent_field = None
    # fields of a row that stay writable under a frozen parent (links set by
    # later steps: the non-conformity or repair raised from an item)
    _workflow_line_exempt = ()

    @api.model
    def _workflow_parent_o2m(self):
        """The parent's one2many fields holding these rows."""
        Parent = self.env[self._fields[self._workflow_parent_field].comodel_name]
        return {
            name
            for name, field in Parent._fields.items()
            if field.type == "one2many"
            and field.comodel_name == self._name
            and field.inverse_name == self._workflow_parent_field
        }

    @api.model
    def _workflow_check_parents(self, parents):
        if self.env.su or not parents:
            return True
        parents = parents.with_env(self.env)
        if parents._workflow_lock_bypassed():
            return True
        o2m = self._workflow_parent_o2m()
        for parent in parents:
            frozen = o2m & parent._workflow_frozen_fields()
            if frozen:
                parent._workflow_refuse_locked(frozen)
        return True

    def _workflow_parents(self):
        return self.sudo()[self._workflow_parent_field].with_env(self.env)

    @api.model_create_multi
    def create(self, vals_list):
        field_name = self._workflow_parent_field
        Parent = self.env[self._fields[field_name].comodel_name]
        self._workflow_check_parents(
            Parent.browse({vals[field_name] for vals in vals_list if vals.get(field_name)})
        )
        return super().create(vals_list)

    def write(self, vals):
        if not set(vals) - set(self._workflow_line_exempt):
            return super().write(vals)
        parents = self._workflow_parents()
        field_name = self._workflow_parent_field
        if vals.get(field_name):
            parents |= parents.browse(vals[field_name])
        self._workflow_check_parents(parents)
        return super().write(vals)

    def unlink(self):
        self._workflow_check_parents(self._workflow_parents())
        return super().unlink()
