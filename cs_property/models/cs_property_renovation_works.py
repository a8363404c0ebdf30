from odoo import fields, models
from odoo.exceptions import UserError

from .cs_property_workflow_mixin import report_action_for_rpc

ACCEPTANCE_ITEMS = (
    "accept_structure_ok",
    "accept_fire_ok",
    "accept_facade_ok",
    "accept_debris_ok",
)


class CsPropertyRenovation(models.Model):
    """During and after the works: permit, extension, completion and final
    acceptance (竣工验收)."""

    _inherit = "cs.property.renovation"

    def action_issue_permit(self):
        """The permit (装修许可证) once fees are paid and the deposit is held."""
        self._check_state(("approved",), self.env._("issuing the permit"))
        self._check_officer()
        self._check_paid_and_deposited()
        for reno in self:
            number = (
                self.env["ir.sequence"]
                .with_company(reno.company_id)
                .next_by_code("cs.property.renovation.permit")
            )
            reno._set_state("works", {"permit_number": number, "permit_at": fields.Datetime.now()})
        self._activity_step_done("permit")
        self._unit_start_works()
        self.env["cs.property.renovation.patrol"]._plan_for(self)
        return True

    # ------------------------------------------------------------ extension
    def action_request_extension(self):
        self._check_state(("works",), self.env._("requesting an extension"))
        today = fields.Date.context_today(self)
        for reno in self:
            if reno.date_end < today:
                raise UserError(
                    self.env._(
                        "Renovation %(name)s: an extension is applied for before the planned "
                        "end (%(end)s).",
                        name=reno.name,
                        end=reno.date_end,
                    )
                )
            if not reno.extension_end or reno.extension_end <= reno.date_end:
                raise UserError(
                    self.env._(
                        "Renovation %(name)s: give the new end date, after %(end)s.",
                        name=reno.name,
                        end=reno.date_end,
                    )
                )
            if not reno.extension_reason:
                raise UserError(
                    self.env._(
                        "Renovation %(name)s: give the reason for the extension.", name=reno.name
                    )
                )
        self.extension_state = "pending"
        return True

    def action_approve_extension(self):
        """Approved: the works and every valid pass run until the new end date."""
        self._check_officer()
        for reno in self:
            if reno.extension_state != "pending":
                raise UserError(
                    self.env._("Renovation %(name)s has no extension request.", name=reno.name)
                )
            reno.write({"date_end": reno.extension_end, "extension_state": "approved"})
            reno.pass_ids.filtered(lambda p: p.state == "valid").write(
                {"date_to": reno.extension_end}
            )
        self.env["cs.property.renovation.patrol"]._plan_for(self)
        return True

    def action_refuse_extension(self):
        self._check_officer()
        pending = self.filtered(lambda r: r.extension_state == "pending")
        pending.write({"extension_state": "refused", "extension_end": False})
        return True

    # ------------------------------------------------------------ completion
    def action_request_acceptance(self):
        """The works are finished: the final acceptance inspection is due."""
        self._check_state(("works",), self.env._("requesting the final acceptance"))
        self._set_state("acceptance", {"completed_at": fields.Datetime.now()})
        self._activity_step(
            "acceptance",
            lambda r: r._engineers() | r.create_uid,
            lambda r: r.env._("Final acceptance of renovation %(name)s", name=r.name),
        )
        for reno in self.filtered("patrol_shortfall"):
            reno.message_post(
                body=reno.env._(
                    "The works ended with %(count)s patrol(s): at least two are required.",
                    count=reno.patrols_done,
                )
            )
        return True

    def action_acceptance_pass(self):
        self._check_state(("acceptance",), self.env._("passing the final acceptance"))
        open_violations = self.env["cs.property.renovation.violation"].search(
            [("renovation_id", "in", self.ids), ("state", "=", "open")]
        )
        if open_violations:
            raise UserError(
                self.env._(
                    "Renovation %(name)s: violation %(violations)s is still open; it is "
                    "re-checked and closed before the acceptance passes.",
                    name=open_violations[0].renovation_id.name,
                    violations=", ".join(open_violations.mapped("name")),
                )
            )
        for reno in self:
            failed = reno._acceptance_failed_labels()
            if failed:
                raise UserError(
                    self.env._(
                        "Renovation %(name)s: the acceptance cannot pass, items not in "
                        "order: %(items)s.",
                        name=reno.name,
                        items=", ".join(failed),
                    )
                )
        self._activity_step_done("acceptance")
        self._set_state("accepted", {"accepted_at": fields.Datetime.now()})
        self._unit_end_works()
        # the works are over: no worker enters any more
        # (the passes are the office's records: the engineer ending the works
        # expires them through this step, not by a right to edit passes)
        self.pass_ids.sudo().filtered(lambda p: p.state == "valid")._expire()
        self._notify_applicant(
            lambda r: r.env._(
                "Renovation %(name)s passed the final acceptance; the deposit will be refunded.",
                name=r.name,
            )
        )
        return True

    def action_acceptance_fail(self):
        """Failed: back to works with the failed items written down."""
        self._check_state(("acceptance",), self.env._("failing the final acceptance"))
        for reno in self:
            failed = reno._acceptance_failed_labels()
            if not failed:
                raise UserError(
                    self.env._(
                        "Renovation %(name)s: tick off the failed items of the checklist.",
                        name=reno.name,
                    )
                )
            reno._set_state("works", {"acceptance_failed_items": "\n".join(failed)})
            reno.message_post(
                body=reno.env._("Final acceptance failed: %(items)s", items=", ".join(failed))
            )
        self._activity_step_done("acceptance")
        return True

    def _acceptance_failed_labels(self):
        self.ensure_one()
        labels = [
            self._fields[name].get_description(self.env)["string"]
            for name in ACCEPTANCE_ITEMS
            if not self[name]
        ]
        if self.accept_waterproof_test != "pass":
            labels.append(
                self._fields["accept_waterproof_test"].get_description(self.env)["string"]
            )
        return labels

    def action_refund_wizard(self):
        return self.with_context(deposit_mode="refund").action_open_deposit_wizard()

    # ------------------------------------------------------------ smart buttons
    def _action_related(self, model, name):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "view_mode": "list,form",
            "domain": [("renovation_id", "=", self.id)],
            "context": {"default_renovation_id": self.id},
        }

    def action_print_passes(self):
        """Print the pass cards of the workers still allowed in."""
        cards = self.pass_ids.filtered(lambda p: p.state == "valid")
        if not cards:
            raise UserError(
                self.env._(
                    "Renovation %(name)s has no issued worker pass to print.",
                    name=", ".join(self.mapped("name")),
                )
            )
        return report_action_for_rpc(
            self.env.ref("cs_property.action_report_renovation_pass"), cards
        )

    def action_view_passes(self):
        return self._action_related("cs.property.renovation.pass", self.env._("Worker Passes"))

    def action_view_patrols(self):
        return self._action_related("cs.property.renovation.patrol", self.env._("Patrols"))

    def action_view_violations(self):
        return self._action_related("cs.property.renovation.violation", self.env._("Violations"))
