"""Issue #15 §3: the non-money rules of a renovation hold on the server, for
every caller (form, RPC as the real role)."""

import base64
from datetime import timedelta

from odoo.exceptions import UserError, ValidationError
from odoo.service.model import call_kw

from .renovation_common import RenovationCase

CONSENT = base64.b64encode(b"%PDF-1.4 consent")
ACCEPTANCE_OK = {
    "accept_structure_ok": True,
    "accept_fire_ok": True,
    "accept_facade_ok": True,
    "accept_debris_ok": True,
    "accept_waterproof_test": "pass",
}


def rpc(record, user, method, *args, **kwargs):
    """As the RPC layer calls a method (``call_kw``) for ``user``."""
    return call_kw(record.env[record._name].with_user(user), method, [record.ids, *args], kwargs)


class TestRenovationApplicant(RenovationCase):
    def _ready(self, **vals):
        reno = self._reno(**vals)
        self._hand_in_documents(reno)
        return reno

    def test_owner_of_record_applies(self):
        reno = self._ready()
        rpc(reno, self.user_agent, "action_submit")
        self.assertEqual(reno.state, "submitted")

    def test_stranger_refused_with_the_reason(self):
        reno = self._ready(partner_id=self.owner_2.id)
        with self.assertRefused(
            UserError, "李秀英 is not the owner of record of unit .*101 .*owner of record: 王建国"
        ):
            rpc(reno, self.user_agent, "action_submit")
        self.assertEqual(reno.state, "draft")
        self.assertFalse(reno.submitted_at)

    def test_former_owner_refused_at_the_application_date(self):
        """Owner of record *at the application date*: a sold unit's seller no
        longer applies."""
        line = self.unit_a101.occupancy_ids.filtered(lambda ln: ln.role == "owner")
        line.date_end = self.today - timedelta(days=10)
        self._occupy(self.unit_a101, self.owner_2, start=self.today - timedelta(days=9))
        reno = self._ready()
        with self.assertRefused(UserError, "王建国 is not the owner of record .*李秀英"):
            reno.action_submit()
        self.assertEqual(reno.state, "draft")
        reno.partner_id = self.owner_2
        reno.action_submit()
        self.assertEqual(reno.state, "submitted")

    def test_tenant_needs_the_lease_and_the_owners_consent(self):
        reno = self._ready(partner_id=self.tenant.id, applicant_role="tenant")
        with self.assertRefused(UserError, "张伟 is not the tenant of unit"):
            rpc(reno, self.user_agent, "action_submit")
        self._occupy(self.unit_a101, self.tenant, role="tenant", start=self.today)
        with self.assertRefused(UserError, "owner's written consent"):
            rpc(reno, self.user_agent, "action_submit")
        self.assertEqual(reno.state, "draft")
        reno.owner_consent = CONSENT
        rpc(reno, self.user_agent, "action_submit")
        self.assertEqual(reno.state, "submitted")

    def test_tenant_applying_as_owner_refused(self):
        self._occupy(self.unit_a101, self.tenant, role="tenant", start=self.today)
        reno = self._ready(partner_id=self.tenant.id)
        with self.assertRefused(UserError, "张伟 is not the owner of record"):
            reno.action_submit()
        self.assertEqual(reno.state, "draft")


class TestRenovationPassStates(RenovationCase):
    def _card(self, reno, **vals):
        return (
            self.env["cs.property.renovation.pass"]
            .with_user(self.user_agent)
            .create(
                {"renovation_id": reno.id, "worker_name": "刘师傅", "id_number": "1234", **vals}
            )
        )

    def test_pass_only_within_the_works_period(self):
        reno = self._in_works()
        with self.assertRefused(ValidationError, "valid only within the approved works period"):
            self._card(reno, date_to=reno.date_end + timedelta(days=1))
        with self.assertRefused(ValidationError, "valid only within the approved works period"):
            self._card(reno, date_from=reno.date_start - timedelta(days=1))
        card = self._card(reno)
        with self.assertRefused(ValidationError, "valid only within the approved works period"):
            rpc(card, self.user_agent, "write", {"date_to": reno.date_end + timedelta(days=5)})
        self.assertEqual(card.date_to, reno.date_end)
        # an approved extension moves the period and the valid passes with it
        new_end = reno.date_end + timedelta(days=5)
        reno.write({"extension_end": new_end, "extension_reason": "雨季"})
        reno.action_request_extension()
        reno.action_approve_extension()
        self.assertEqual(card.date_to, new_end)
        Pass = self.env["cs.property.renovation.pass"]
        self.assertEqual(Pass.gate_check(card.number, on_date=new_end)[0], "valid")

    def test_revoked_pass_cannot_be_made_valid_again(self):
        reno = self._in_works()
        card = self._card(reno)
        with self.assertRefused(UserError, "“Revoke” can only be done by Customer Service Agent"):
            rpc(card, self.user_technician, "action_revoke")
        self.assertEqual(card.state, "valid")
        rpc(card, self.user_agent, "action_revoke")
        self.assertEqual(card.state, "revoked")
        for user in (self.user_agent, self.user_manager):
            with self.assertRefused(UserError, "cannot be set to “Issued” directly"):
                rpc(card, user, "write", {"state": "valid"})
        self.assertEqual(card.state, "revoked")
        with self.assertRefused(UserError, "already “Revoked”"):
            rpc(card, self.user_manager, "action_revoke")
        self.assertEqual(
            self.env["cs.property.renovation.pass"].gate_check(card.number)[0], "invalid"
        )
        # nor created as valid again under another state
        with self.assertRefused(UserError, "cannot be set to “Revoked” directly"):
            self._card(reno, state="revoked")

    def test_passes_expire_after_their_period_and_with_the_acceptance(self):
        reno = self._in_works()
        Pass = self.env["cs.property.renovation.pass"]
        late = self._card(reno, date_to=self.today)
        running = self._card(reno)
        with self.assertRefused(UserError, "cannot be set to “Expired” directly"):
            rpc(late, self.user_manager, "write", {"state": "expired"})
        Pass._cron_expire()
        self.assertEqual((late | running).mapped("state"), ["valid", "valid"])
        # tomorrow: the first one is past its end
        reno.sudo().date_start = self.today - timedelta(days=2)
        late.sudo().write(
            {"date_from": self.today - timedelta(days=2), "date_to": self.today - timedelta(days=1)}
        )
        Pass._cron_expire()
        self.assertEqual(late.state, "expired")
        self.assertEqual(running.state, "valid")
        self.assertEqual(Pass.gate_check(late.number)[0], "expired")
        # the works pass the final acceptance: nobody enters any more
        reno.action_request_acceptance()
        reno.write(ACCEPTANCE_OK)
        reno.with_user(self.user_technician).action_acceptance_pass()
        self.assertEqual(running.state, "expired")
        self.assertEqual(Pass.gate_check(running.number)[0], "expired")


class TestRenovationAcceptance(RenovationCase):
    def test_acceptance_roles_over_rpc(self):
        reno = self._in_works()
        reno.action_request_acceptance()
        reno.write(ACCEPTANCE_OK)
        for user in (self.user_agent, self.user_inspector):
            for method in ("action_acceptance_pass", "action_acceptance_fail"):
                with self.assertRefused(
                    UserError, "can only be done by Technician or Customer Service Manager"
                ):
                    rpc(reno, user, method)
        self.assertEqual(reno.state, "acceptance")
        self.assertFalse(reno.accepted_at)
        rpc(reno, self.user_manager, "action_acceptance_pass")
        self.assertEqual(reno.state, "accepted")

    def test_acceptance_refused_while_a_violation_is_open(self):
        reno = self._in_works()
        violation = self._violation(reno, amount=0.0)
        reno.action_request_acceptance()
        reno.write(ACCEPTANCE_OK)
        with self.assertRefused(UserError, f"violation {violation.name} is still open"):
            rpc(reno, self.user_technician, "action_acceptance_pass")
        self.assertEqual(reno.state, "acceptance")
        self.assertEqual(reno.unit_id.state, "renovating")
        violation.with_user(self.user_technician).write({"recheck_note": "已整改"})
        violation.with_user(self.user_technician).action_recheck_pass()
        rpc(reno, self.user_technician, "action_acceptance_pass")
        self.assertEqual(reno.state, "accepted")

    def test_unit_under_renovation_then_back_to_its_status(self):
        self.unit_a101.state = "occupied"
        reno = self._in_works()
        self.assertEqual(self.unit_a101.state, "renovating")
        self.assertEqual(reno.unit_previous_state, "occupied")
        labels = dict(self.unit_a101._fields["state"]._description_selection(self.env))
        self.assertEqual(labels["renovating"], "Under Renovation")
        reno.action_request_acceptance()
        reno.write(dict(ACCEPTANCE_OK, accept_waterproof_test="fail"))
        reno.with_user(self.user_technician).action_acceptance_fail()
        self.assertEqual(self.unit_a101.state, "renovating")
        reno.action_request_acceptance()
        reno.accept_waterproof_test = "pass"
        reno.with_user(self.user_technician).action_acceptance_pass()
        self.assertEqual(self.unit_a101.state, "occupied")


class TestRenovationPatrols(RenovationCase):
    def test_patrols_give_the_patrol_officer_an_activity(self):
        reno = self._in_works()
        patrols = reno.patrol_ids
        self.assertTrue(patrols)
        activities = patrols._activity_open("patrol")
        self.assertEqual(len(activities), len(patrols))
        self.assertEqual(activities.user_id, self.user_technician)
        first = patrols.sorted("planned_date")[0]
        activity = first._activity_open("patrol")
        self.assertEqual(activity.date_deadline, first.planned_date)
        # another officer: the activity moves to them
        first.inspector_id = self.user_manager
        self.assertEqual(first._activity_open("patrol").user_id, self.user_manager)
        # done: the activity is done
        first.write(dict.fromkeys(first._fields.keys() & set(CHECKS), True))
        first.with_user(self.user_manager).action_done()
        self.assertFalse(first._activity_open("patrol"))

    def test_overdue_patrol_flagged_whenever_read(self):
        reno = self._in_works()
        Patrol = self.env["cs.property.renovation.patrol"]
        patrol = reno.patrol_ids.sorted("planned_date")[0]
        self.assertFalse(patrol.is_overdue)
        self.assertNotIn(patrol, Patrol.search([("is_overdue", "=", True)]))
        # its day passed without a patrol: overdue now, no cron needed
        patrol.planned_date = self.today - timedelta(days=1)
        patrol.invalidate_recordset(["is_overdue"])
        self.assertTrue(patrol.is_overdue)
        self.assertIn(patrol, Patrol.search([("is_overdue", "=", True)]))
        self.assertNotIn(patrol, Patrol.search([("is_overdue", "!=", True)]))
        patrol.action_cancel()
        patrol.invalidate_recordset(["is_overdue"])
        self.assertFalse(patrol.is_overdue)
        self.assertNotIn(patrol, Patrol.search([("is_overdue", "=", True)]))


CHECKS = (
    "check_structure",
    "check_waterproofing",
    "check_fire",
    "check_debris",
    "check_hours",
    "check_passes",
)
