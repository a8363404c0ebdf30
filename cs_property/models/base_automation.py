from odoo import api, fields, models


def _number_last(origin):
    """``create`` of a numbered form, outermost: the whole creation
    (automation rules included: SLA clocks, routing activities, followers)
    runs under provisional names, and the gap-free numbers are drawn last."""

    @api.model_create_multi
    def create(self, vals_list, **kw):
        if self.env.context.get("cs_number_later") == self._name:
            return create.origin(self, vals_list, **kw)
        records = create.origin(self.with_context(cs_number_later=self._name), vals_list, **kw)
        records = records.with_env(self.env)
        records._ticket_assign_numbers()
        return records

    create.origin = origin
    return create


class BaseAutomation(models.Model):
    _inherit = "base.automation"

    cs_batch = fields.Boolean(
        string="Run Once for All Records",
        help="Run the actions once on all the records that triggered the rule together (an "
        "import, a batch of creations) instead of once per record. Only for actions whose "
        "code works on ``records``.",
    )

    def _register_hook(self):
        """After base_automation's own patches (it removes and reinstalls them
        whenever a rule changes), numbered forms draw their number last."""
        super()._register_hook()
        for Model in self.env.registry.values():
            if getattr(Model, "_ticket_sequence_code", None) and not Model._abstract:
                Model.create = _number_last(Model.create)

    def _process(self, records, domain_post=None):
        """As base_automation's, but the server actions of a ``cs_batch`` rule
        run once with every record in ``active_ids``: its code is written for
        ``records`` (SLA clocks, team notification), and a run per record would
        cost its queries once per record."""
        if not self.cs_batch:
            return super()._process(records, domain_post)
        automation_done = self.env.context.get("__action_done", {})
        records_done = automation_done.get(self, records.browse())
        records -= records_done
        if not records:
            return None
        if self.env.context.get("__action_feedback"):
            automation_done[self] = records_done + records
        else:
            automation_done = dict(automation_done)
            automation_done[self] = records_done + records
            self = self.with_context(__action_done=automation_done)
            records = records.with_context(__action_done=automation_done)
        records = records.filtered(self._check_trigger_fields)
        automation_done[self] = records_done + records
        if not records:
            return None
        if "date_automation_last" in records._fields:
            records.date_automation_last = self.env.cr.now()
        context = {
            "active_model": records._name,
            "active_ids": records.ids,
            "active_id": records[:1].id,
            "domain_post": domain_post,
        }
        for action in self.sudo().action_server_ids:
            try:
                action.with_context(**context).run()
            except Exception as e:
                self._add_postmortem(e)
                raise
        return None
