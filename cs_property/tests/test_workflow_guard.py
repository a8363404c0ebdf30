"""The workflow mixin's declarations (issue #15 §1): who runs each step and
what freezes when — checked on the server, however the call comes in."""

import inspect
from datetime import date, timedelta
from unittest.mock import patch

from freezegun import freeze_time
from lxml import etree

from odoo.exceptions import UserError
from odoo.service.model import call_kw

from .inspection_common import InspectionCase
from .test_handover import PIXEL, HandoverCase
from .test_rework import ReworkCase

ADDON_PACKAGE = "odoo.addons.cs_property."


def workflow_models(env):
    """Every concrete model inheriting the workflow mixin."""
    return [
        env[name]
        for name in sorted(env.registry)
        if not env[name]._abstract and "_workflow_step_roles" in dir(type(env[name]))
    ]


def public_actions(model):
    """The add-on's public ``action_*`` methods of ``model``."""
    names = set()
    for klass in type(model).mro():
        if not klass.__module__.startswith(ADDON_PACKAGE):
            continue
        for name, function in vars(klass).items():
            if name.startswith("action_") and inspect.isfunction(function):
                names.add(name)
    return names


def declaration_problems(env):
    """What a workflow model leaves undeclared (empty: all declared)."""
    problems = []
    for model in workflow_models(env):
        roles = model._workflow_all_step_roles()
        for name in sorted(public_actions(model)):
            tokens = roles.get(name)
            if not tokens:
                problems.append(f"{model._name}.{name}: no role in _workflow_step_roles")
                continue
            if not getattr(getattr(type(model), name), "_cs_workflow_guarded", False):
                problems.append(f"{model._name}.{name}: not guarded")
            for token in tokens:
                if "." in token and not env.ref(token, raise_if_not_found=False):
                    problems.append(f"{model._name}.{name}: unknown group {token}")
                elif "." not in token and token != "any" and f"_role_{token}" not in dir(model):
                    problems.append(f"{model._name}.{name}: no method _role_{token}")
        state_field = model._fields[model._workflow_state_field]
        states = {key for key, _label in state_field._description_selection(env)}
        problems.extend(
            f"{model._name}: final state {state} has no locked fields"
            for state in set(model._workflow_final_states()) & states
            if not model._workflow_frozen_fields(state)
        )
        for state, target in type(model)._workflow_correction_state.items():
            if state not in states or target not in states:
                problems.append(f"{model._name}: correction {state} → {target} unknown")
    return problems


class TestDeclarations(InspectionCase):
    def test_every_workflow_model_declares_roles_and_locks(self):
        names = {model._name for model in workflow_models(self.env)}
        for expected in (
            "cs.property.rework",
            "cs.property.handover",
            "cs.property.inspection",
            "cs.property.renovation",
            "cs.property.complaint",
            "cs.property.repair",
        ):
            self.assertIn(expected, names)
        self.assertEqual(declaration_problems(self.env), [])

    def test_forms_show_frozen_fields_read_only(self):
        """The form says what the server refuses: every field a state freezes
        is read-only in that state on the model's form."""
        checked = 0
        for model in workflow_models(self.env):
            arch = etree.fromstring(model.get_views([(False, "form")])["views"]["form"]["arch"])
            if not arch.xpath(f"//field[@name='{model._workflow_state_field}']"):
                continue
            for key, names in type(model)._workflow_locked_fields.items():
                states = [key] if isinstance(key, str) else list(key)
                names = model._workflow_lockable_fields() if names == "__all__" else names
                for name in names:
                    for node in arch.xpath(f"//field[@name='{name}'][not(ancestor::field)]"):
                        readonly = node.get("readonly") or ""
                        checked += 1
                        self.assertTrue(
                            readonly in ("1", "True", "true")
                            or all(repr(state) in readonly for state in states),
                            f"{model._name}.{name}: readonly={readonly!r} misses {states}",
                        )
        self.assertGreater(checked, 50)

    def test_walk_fails_on_a_missing_declaration(self):
        """The walk itself can fail: drop one role and one lock."""
        Rework = type(self.env["cs.property.rework"])
        roles = dict(Rework._workflow_step_roles)
        del roles["action_close"]
        locks = {
            key: value
            for key, value in Rework._workflow_locked_fields.items()
            if "cancelled" not in key
        }
        with (
            patch.object(Rework, "_workflow_step_roles", roles),
            patch.object(Rework, "_workflow_locked_fields", locks),
        ):
            problems = declaration_problems(self.env)
        self.assertIn("cs.property.rework.action_close: no role in _workflow_step_roles", problems)
        self.assertIn("cs.property.rework: final state cancelled has no locked fields", problems)

    def test_register_hook_is_idempotent(self):
        Rework = self.env["cs.property.rework"]
        guarded = type(Rework).action_close
        Rework._register_hook()
        self.assertIs(type(Rework).action_close, guarded)
        self.assertFalse(hasattr(guarded.__wrapped__, "_cs_workflow_guarded"))


class TestReworkGuard(ReworkCase):
    def _confirmed(self):
        rework = self._rework()
        rework.action_issue()
        rework.write(
            {
                "acknowledged_by": "张工",
                "acknowledgement_signature": PIXEL,
                "promised_date": date.today() + timedelta(days=7),
            }
        )
        rework.action_acknowledge()
        rework.sudo()._set_state("confirmed")
        return rework

    def test_technician_cannot_close_over_rpc(self):
        rework = self._confirmed()
        Rework = self.env["cs.property.rework"].with_user(self.user_technician)
        with self.assertRefused(
            UserError,
            rf"Rework Order {rework.name}: “Close and Archive” can only be done by "
            r"Customer Service Agent\.",
        ):
            call_kw(Rework, "action_close", [rework.ids], {})
        self.assertEqual(rework.state, "confirmed")
        self.assertFalse(rework.closed_at)
        # server code running as the technician: the same refusal
        with self.assertRefused(UserError, "“Close and Archive” can only be done by"):
            rework.with_user(self.user_technician).action_close()
        # the step's label is the form's button, in the user's language
        zh = self.env["res.lang"]._activate_lang("zh_CN")
        self.assertTrue(zh)
        label = Rework.with_context(lang="zh_CN")._workflow_step_label("action_close")
        self.assertNotEqual(label, "Close and Archive")
        self.assertEqual(Rework._workflow_step_label("action_unknown"), "action_unknown")
        # the agent may; the superuser (crons, data) always passes
        call_kw(
            self.env["cs.property.rework"].with_user(self.user_agent),
            "action_close",
            [rework.ids],
            {},
        )
        self.assertEqual(rework.state, "closed")

    def test_acknowledgement_and_closed_order_frozen(self):
        rework = self._confirmed()
        promised = rework.promised_date
        for user in (self.user_agent, self.env.ref("base.user_admin")):
            with self.assertRefused(
                UserError,
                rf"Rework Order {rework.name} is “Confirmed by Owner”: Promised Date can no "
                r"longer be changed\.$",
            ):
                call_kw(
                    self.env["cs.property.rework"].with_user(user),
                    "write",
                    [rework.ids, {"promised_date": str(promised + timedelta(days=30))}],
                    {},
                )
            self.assertEqual(rework.promised_date, promised)
        # the value it already has is no change (an import re-sending a row)
        rework.with_user(self.user_agent).write({"acknowledged_by": "张工"})
        rework.with_user(self.user_agent).action_close()
        with self.assertRefused(UserError, "is “Closed”: Owner Comment can no longer be changed"):
            rework.with_user(self.user_manager).write({"owner_comment": "changed"})
        with self.assertRefused(UserError, "is “Closed”: Defects can no longer be changed"):
            rework.line_ids.with_user(self.user_manager).write({"description": "changed"})
        with self.assertRefused(UserError, "is “Closed”: Defects can no longer be changed"):
            rework.line_ids.with_user(self.user_manager).unlink()
        self.assertTrue(rework.line_ids)

    def test_manager_reopens_closed_order_for_correction(self):
        rework = self._confirmed()
        rework.with_user(self.user_agent).action_close()
        Rework = self.env["cs.property.rework"]
        with self.assertRefused(
            UserError, r"“Reopen for Correction” can only be done by Customer Service Manager"
        ):
            call_kw(
                Rework.with_user(self.user_agent), "action_reopen_for_correction", [rework.ids], {}
            )
        action = call_kw(
            Rework.with_user(self.user_manager), "action_reopen_for_correction", [rework.ids], {}
        )
        self.assertEqual(action["res_model"], "cs.property.correction.wizard")
        Wizard = self.env["cs.property.correction.wizard"]
        # an agent cannot go round the button through the wizard
        wizard = (
            Wizard.with_user(self.user_agent)
            .with_context(action["context"])
            .create({"reason": "wrong promised date"})
        )
        with self.assertRefused(UserError, "can only be done by Customer Service Manager"):
            wizard.action_confirm()
        self.assertEqual(rework.state, "closed")
        wizard = (
            Wizard.with_user(self.user_manager)
            .with_context(action["context"])
            .create({"reason": "签收日期录错"})
        )
        wizard.action_confirm()
        self.assertEqual(rework.state, "confirmed")
        note = rework.message_ids.filtered(lambda m: "签收日期录错" in (m.body or ""))
        self.assertEqual(len(note), 1)
        self.assertIn("Reopened for correction", note.body)
        self.assertEqual(note.author_id, self.user_manager.partner_id)
        # reopened, not the receipt: the acknowledgement stays frozen
        with self.assertRefused(UserError, "Promised Date can no longer be changed"):
            rework.with_user(self.user_manager).promised_date = date.today()
        rework.with_user(self.user_manager).owner_comment = "corrected"
        # only declared states reopen
        with self.assertRefused(UserError, "cannot be reopened for correction in this state"):
            rework.with_user(self.user_manager).action_reopen_for_correction()

    def test_overdue_and_age_move_with_the_calendar(self):
        rework = self._rework()
        rework.action_issue()
        rework.write(
            {
                "acknowledged_by": "张工",
                "acknowledgement_signature": PIXEL,
                "promised_date": date.today() + timedelta(days=3),
            }
        )
        rework.action_acknowledge()
        rework.sudo().received_at = rework.create_date - timedelta(days=1)
        Rework = self.env["cs.property.rework"]
        with freeze_time(date.today() + timedelta(days=2)):
            Rework._cron_escalate()
            self.assertFalse(rework.is_overdue)
            self.assertFalse(rework.line_ids.is_overdue)
            self.assertEqual(rework.line_ids.age_bucket, "0_7")
            self.assertFalse(Rework.search([("id", "=", rework.id), ("is_overdue", "=", True)]))
        with freeze_time(date.today() + timedelta(days=12)):
            Rework._cron_escalate()
            self.assertTrue(rework.is_overdue)
            self.assertTrue(rework.line_ids.is_overdue)
            self.assertEqual(rework.line_ids.age_bucket, "8_30")
            self.assertEqual(rework.line_ids.age_days, 13)
            self.assertEqual(Rework.search([("is_overdue", "=", True)]) & rework, rework)
        with freeze_time(date.today() + timedelta(days=45)):
            Rework._cron_escalate()
            self.assertEqual(rework.line_ids.age_bucket, "31_90")
        # done by the contractor: nothing owed, not overdue any more
        rework.with_user(self.user_agent).action_start()
        rework.with_user(self.user_agent).action_contractor_done()
        self.assertFalse(rework.is_overdue)


class TestHandoverGuard(HandoverCase):
    def _inspecting(self):
        handover = self._handover()
        handover.action_start()
        self._check_all(handover)
        handover.write({"owner_signature": PIXEL, "staff_signature": PIXEL})
        return handover

    def test_technician_cannot_accept_over_rpc(self):
        handover = self._inspecting()
        Handover = self.env["cs.property.handover"].with_user(self.user_technician)
        with self.assertRefused(
            UserError,
            rf"Handover Inspection {handover.name}: “Accept Handover” can only be done by "
            r"Customer Service Agent\.",
        ):
            call_kw(Handover, "action_accept", [handover.ids], {})
        self.assertEqual(handover.state, "inspecting")
        self.assertFalse(self.unit_a101.handover_date)

    def test_accepted_handover_and_its_lines_frozen(self):
        handover = self._inspecting()
        handover.action_accept()
        self.assertEqual(handover.state, "accepted")
        line = handover.line_ids[0]
        admin = self.env.ref("base.user_admin")
        for user in (self.user_agent, self.user_manager, admin):
            with self.assertRefused(UserError, "can no longer be changed"):
                call_kw(
                    self.env["cs.property.handover.line"].with_user(user),
                    "write",
                    [line.ids, {"result": "defect"}],
                    {},
                )
        self.assertEqual(line.result, "ok")
        Key = self.env["cs.property.handover.key"].with_user(self.user_agent)
        with self.assertRefused(
            UserError, rf"Handover Inspection {handover.name} is “Accepted”: .* can no longer"
        ):
            call_kw(
                Key, "create", [{"handover_id": handover.id, "key_type": "door", "count": 1}], {}
            )
        Reading = self.env["cs.property.meter.reading"].with_user(self.user_technician)
        with self.assertRefused(UserError, "can no longer be changed"):
            Reading.create(
                {
                    "unit_id": self.unit_a101.id,
                    "handover_id": handover.id,
                    "meter_type": "water",
                    "reading": 3,
                }
            )
        with self.assertRefused(UserError, "Owner Signature can no longer be changed"):
            call_kw(
                self.env["cs.property.handover"].with_user(admin),
                "write",
                [handover.ids, {"owner_signature": False}],
                {},
            )
        self.assertTrue(handover.owner_signature)
        # a manager reopens it with a reason: the lines can be corrected
        handover.with_user(self.user_manager)._workflow_correct("钥匙数量录错")
        self.assertEqual(handover.state, "inspecting")
        line.with_user(self.user_agent).result = "ok"
        self.assertTrue(handover.message_ids.filtered(lambda m: "钥匙数量录错" in (m.body or "")))


class TestInspectionGuard(InspectionCase):
    def _done(self, **vals):
        inspection = self._inspection(**vals)
        inspection.with_user(self.user_inspector).action_start()
        self._answer(inspection)
        inspection.with_user(self.user_inspector).action_done()
        self.assertEqual(inspection.state, "done")
        return inspection

    def test_only_its_inspector_finishes(self):
        inspection = self._inspection()
        inspection.with_user(self.user_inspector).action_start()
        self._answer(inspection)
        Inspection = self.env["cs.property.inspection"]
        with self.assertRefused(
            UserError, r"“Finish” can only be done by Customer Service Manager or its inspector"
        ):
            call_kw(
                Inspection.with_user(self.user_inspector_2), "action_done", [inspection.ids], {}
            )
        self.assertEqual(inspection.state, "in_progress")
        call_kw(Inspection.with_user(self.user_inspector), "action_done", [inspection.ids], {})
        self.assertEqual(inspection.state, "done")

    def test_finished_inspection_frozen_for_agent_and_admin(self):
        # the agent is in the inspected team: reads the inspection, never changes it
        inspection = self._done(inspected_team_id=self.team_cleaning.id)
        score = inspection.score
        item = self._items(inspection)[0]
        Line = self.env["cs.property.inspection.line"]
        for user in (self.team_member, self.user_inspector, self.env.ref("base.user_admin")):
            with self.assertRefused(
                UserError,
                r"Inspection .* is “Inspected”: Items can no longer be changed\. "
                r"A manager can reopen it for correction\.",
            ):
                call_kw(Line.with_user(user), "write", [item.ids, {"result": "fail"}], {})
        self.assertEqual(item.result, "pass")
        self.assertEqual(inspection.score, score)
        Inspection = self.env["cs.property.inspection"].with_user(self.user_inspector)
        with self.assertRefused(UserError, "Signed By can no longer be changed"):
            call_kw(Inspection, "write", [inspection.ids, {"signed_by": "别人"}], {})
        for user in (self.user_inspector, self.env.ref("base.user_admin")):
            with self.assertRefused(
                UserError, r"is “Inspected”: .*Score \(%\).* can no longer be changed"
            ):
                call_kw(
                    self.env["cs.property.inspection"].with_user(user),
                    "write",
                    [inspection.ids, {"score": 50.0, "failed_count": 3}],
                    {},
                )
        self.assertEqual(inspection.score, score)
        with self.assertRefused(UserError, "Items can no longer be changed"):
            call_kw(Line.with_user(self.user_manager), "unlink", [item.ids], {})
        self.assertEqual(inspection.signed_by, "组长")

    def test_correction_reopens_finished_inspection(self):
        inspection = self._done()
        with self.assertRefused(UserError, "can only be done by Customer Service Manager"):
            inspection.with_user(self.user_inspector)._workflow_correct("typo")
        view = (
            self.env["cs.property.inspection"]
            .with_user(self.user_manager)
            .get_view(view_type="form")
        )
        self.assertIn('name="action_reopen_for_correction"', view["arch"])
        view = (
            self.env["cs.property.inspection"]
            .with_user(self.user_inspector)
            .get_view(view_type="form")
        )
        self.assertNotIn('name="action_reopen_for_correction"', view["arch"])
        with self.assertRefused(UserError, "Give the reason"):
            inspection.with_user(self.user_manager)._workflow_correct("  ")
        inspection.with_user(self.user_manager)._workflow_correct("温度读数录错")
        self.assertEqual(inspection.state, "in_progress")
        item = self._items(inspection)[0]
        item.with_user(self.user_inspector).write({"result": "fail", "comment": "不合格"})
        self.assertEqual(item.result, "fail")
        self.assertTrue(inspection.message_ids.filtered(lambda m: "温度读数录错" in (m.body or "")))

    def test_new_item_refused_on_finished_inspection(self):
        inspection = self._done()
        Line = self.env["cs.property.inspection.line"].with_user(self.user_manager)
        with self.assertRefused(UserError, "can no longer be changed|has started"):
            Line.create({"inspection_id": inspection.id, "area": "大堂", "name": "extra"})
        self.assertEqual(len(inspection.line_ids), len(inspection.line_ids.exists()))
        self.assertFalse(inspection.line_ids.filtered(lambda ln: ln.name == "extra"))
        # the links later steps set stay writable (non-conformity, repair)
        self._items(inspection)[:1].with_user(self.user_manager).write({"repair_id": False})
