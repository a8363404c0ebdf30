from odoo.exceptions import UserError

from .test_complaint import ComplaintCase


class TestGuardedWorkflow(ComplaintCase):
    """The rules of cs.property.workflow.mixin, on the two landed forms."""

    def test_kanban_drag_of_a_complaint_is_refused(self):
        complaint = self._assessed()
        # a kanban drag is a write of the state by the user
        with self.assertRefused(UserError, "cannot be set to .* directly"):
            complaint.with_user(self.user_agent).write({"state": "closed"})
        self.assertEqual(complaint.state, "assessed")
        with self.assertRefused(UserError, "Use the buttons"):
            complaint.with_user(self.user_manager).write({"state": "done"})

    def test_import_with_a_state_is_refused(self):
        Complaint = self.env["cs.property.complaint"].with_user(self.user_agent)
        with self.assertRefused(UserError, "directly"):
            Complaint.create(
                {
                    "estate_id": self.estate_a.id,
                    "partner_id": self.owner.id,
                    "complaint_type": "engineering",
                    "description": "<p>x</p>",
                    "state": "closed",
                }
            )
        # writing the state it already has (a form saving all its fields) is harmless
        complaint = self._new()
        complaint.write({"state": "new", "expected_outcome": "Call me"})
        self.assertEqual(complaint.expected_outcome, "Call me")

    def test_rpc_cannot_forge_the_transition_flag(self):
        complaint = self._assessed()
        forged = complaint.with_user(self.user_agent).with_context(cs_property_transition="1")
        with self.assertRefused(UserError, "directly"):
            forged.write({"state": "closed"})

    def test_service_order_drag_is_refused(self):
        order = (
            self.env["cs.property.repair"]
            .with_user(self.user_agent)
            .create(
                {
                    "estate_id": self.estate_a.id,
                    "partner_id": self.owner.id,
                    "unit_id": self.unit_a101.id,
                    "category_id": self.env.ref("cs_property.repair_category_electrical").id,
                    "description": "<p>灯不亮</p>",
                }
            )
        )
        with self.assertRefused(UserError, "directly"):
            order.write({"state": "closed"})
        self.assertEqual(order.state, "new")

    def test_kanban_columns_follow_the_workflow(self):
        self._new()
        # the kanban view asks for empty columns with read_group_expand
        Complaint = (
            self.env["cs.property.complaint"]
            .with_user(self.user_agent)
            .with_context(read_group_expand=True)
        )
        groups = Complaint.formatted_read_group(
            [("estate_id", "=", self.estate_a.id)], ["state"], ["__count"]
        )
        states = [g["state"] for g in groups]
        self.assertEqual(
            states,
            [
                "new",
                "assessed",
                "proposed",
                "approved",
                "in_progress",
                "done",
                "closed",
                "cancelled",
            ],
        )
        folded = {g["state"] for g in groups if g["__fold"]}
        self.assertEqual(folded, {"closed", "cancelled"})
        self.assertEqual(next(g for g in groups if g["state"] == "new")["__count"], 1)
        self.assertEqual(next(g for g in groups if g["state"] == "proposed")["__count"], 0)

    def test_step_activity_is_single_moves_and_closes(self):
        complaint = self._new()
        zh = self.user_technician
        zh.lang = self.env["res.lang"]._activate_lang("zh_CN").code
        users = self.user_agent

        def summary(r):
            return r.env._("Handle complaint %(name)s", name=r.name)

        complaint._activity_step("handle", users, summary)
        complaint._activity_step("handle", users, summary)
        open_ = complaint._activity_open("handle")
        self.assertEqual(len(open_), 1, "no duplicate for the same step")
        # the person changes: the activity moves, in the new person's language
        complaint._activity_step("handle", zh, summary)
        open_ = complaint._activity_open("handle")
        self.assertEqual(open_.user_id, zh)
        self.assertEqual(open_.summary, f"处理投诉 {complaint.name}")
        complaint._activity_step_done("handle")
        self.assertFalse(complaint._activity_open())
        # a final state closes whatever step is still open
        complaint._activity_step("other", users, summary)
        complaint.action_cancel()
        self.assertFalse(complaint._activity_open())

    def test_required_fields_named_in_the_users_language(self):
        """``_require``: one message for every form, naming the form, the
        missing fields by their labels and the step, in the user's language."""
        complaint = self._new()
        with self.assertRefused(
            UserError,
            f"^Complaint {complaint.name}: fill in Responsible Team and Handling Deadline "
            "before assessment.$",
        ):
            complaint.action_assess()
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["cs_property"], ["zh_CN"], overwrite=True)
        with self.assertRefused(
            UserError, f"^投诉 {complaint.name}：评估前请填写责任班组和处理时限。$"
        ):
            complaint.with_context(lang="zh_CN").action_assess()
        complaint.team_id = self.team
        with self.assertRefused(UserError, "fill in Handling Deadline before"):
            complaint.action_assess()
