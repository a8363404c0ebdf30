from datetime import timedelta
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError

from .renovation_common import RenovationCase


class TestRenovationApplication(RenovationCase):
    def test_forbidden_scope_refused_with_reason(self):
        with self.assertRefused(ValidationError, "forbidden: the building's structure"):
            self._reno(scope_ids=[Command.set((self.scope_finish | self.scope_structure).ids)])

    def test_submission_checks_documents_consent_and_scope(self):
        reno = self._reno(scope_ids=[Command.set(self.scope_walls.ids)])
        self.assertTrue(reno.name.startswith("ZX"))
        self.assertTrue(reno.needs_review)
        self.assertIn("Renovation Drawings", reno.missing_document_names)
        with self.assertRefused(UserError, "documents missing before submission: .*Drawings"):
            reno.action_submit()
        self._hand_in_documents(reno)
        reno.applicant_role = "tenant"
        with self.assertRefused(UserError, "owner's written consent"):
            reno.action_submit()
        reno.applicant_role = "owner"
        reno.scope_ids = False
        with self.assertRefused(UserError, "fill in Scope of Works before submitting"):
            reno.action_submit()
        reno.scope_ids = self.scope_walls
        reno.action_submit()
        self.assertEqual(reno.state, "submitted")
        # approval SLA: 3 working days from submission
        self.assertEqual(len(reno.sla_line_ids), 1)
        self.assertEqual(reno.sla_line_ids.target_id.hours, 24)
        self.assertTrue(reno.sla_deadline)

    def test_one_open_application_per_unit(self):
        first = self._reno()
        with self.assertRefused(
            UserError, f"already has the open renovation application {first.name}"
        ):
            self._reno()
        first.action_cancel()
        self.assertEqual(first.state, "cancelled")
        self.assertTrue(self._reno())

    def test_engineering_review_then_approval(self):
        reno = self._reno(scope_ids=[Command.set(self.scope_walls.ids)])
        self._hand_in_documents(reno)
        reno.action_submit()
        with self.assertRefused(UserError, "check the application's completeness first"):
            reno.action_approve()
        reno.action_check_complete()
        self.assertEqual(reno.state, "engineering")
        self.assertIn(self.user_technician, reno.activity_ids.user_id)
        with self.assertRefused(UserError, "technical approval first"):
            reno.action_approve()
        with self.assertRefused(UserError, "“Technically Approve” can only be done by Technician"):
            reno.action_engineering_pass()
        reno.with_user(self.user_technician).action_engineering_pass()
        with self.assertRefused(UserError, "“Approve” can only be done by Customer Service Agent"):
            reno.with_user(self.user_technician).action_approve()
        reno.action_approve()
        self.assertEqual(reno.state, "approved")
        self.assertEqual(reno.sla_line_ids.status, "met")
        self.assertGreaterEqual(reno.approval_days, 0)

    def test_no_review_needed_goes_straight_to_approval(self):
        reno = self._reno()
        self._hand_in_documents(reno)
        reno.action_submit()
        reno.action_check_complete()
        self.assertEqual(reno.state, "submitted")
        reno.action_approve()
        self.assertEqual(reno.state, "approved")

    def test_rejections_tell_the_applicant(self):
        reno = self._reno()
        self._hand_in_documents(reno)
        reno.action_submit()
        with self.assertRefused(UserError, "fill in Reason for Rejection before rejecting"):
            reno.action_reject()
        reno.reject_reason = "图纸不全"
        reno.action_reject()
        self.assertEqual(reno.state, "rejected")
        self.assertIn(self.owner, reno.message_ids[0].partner_ids)
        # engineering refusal carries its opinion as the reason
        other = self._reno(scope_ids=[Command.set(self.scope_walls.ids)])
        self._hand_in_documents(other)
        other.action_submit()
        other.action_check_complete()
        tech = other.with_user(self.user_technician)
        with self.assertRefused(
            UserError, "fill in Engineering Opinion before giving the technical review"
        ):
            tech.action_engineering_fail()
        tech.engineering_note = "拆改墙体位于承重墙旁"
        tech.action_engineering_fail()
        self.assertEqual(other.state, "rejected")
        self.assertEqual(other.reject_reason, "拆改墙体位于承重墙旁")

    def test_state_is_not_written_directly(self):
        reno = self._reno()
        with self.assertRefused(UserError, "cannot be set to"):
            reno.state = "approved"
        with self.assertRefused(UserError, "is “Draft Application”: approving is not possible"):
            reno.action_approve()

    def test_numbered_forms_are_never_deleted(self):
        reno = self._reno()
        with self.assertRefused(UserError, "cannot be deleted"):
            reno.sudo().unlink()


class TestRenovationWorks(RenovationCase):
    def test_permit_needs_paid_fees_and_deposit(self):
        reno = self._approved()
        with self.assertRefused(UserError, "no permit before the fee invoice is paid"):
            reno.action_issue_permit()
        self._pay_fees(reno)
        with self.assertRefused(UserError, "no permit before the deposit of 2000"):
            reno.action_issue_permit()
        self._receive(reno)
        self.assertTrue(reno._activity_open("permit"))
        with self.assertRefused(UserError, "number of workers can no longer change"):
            reno.worker_count = 5
        reno.action_issue_permit()
        self.assertFalse(reno._activity_open("permit"))
        self.assertEqual(reno.state, "works")
        self.assertTrue(reno.permit_number.startswith("XK"))
        self.assertIn(reno.work_hours, ("8:30-11:30, 14:30-20:00", "8:00-12:00, 14:00-19:00"))
        # two patrols at least, planned on permit
        self.assertGreaterEqual(reno.patrol_count, 2)

    def test_passes_and_gate_check(self):
        reno = self._in_works()
        Pass = self.env["cs.property.renovation.pass"].with_user(self.user_agent)
        card = Pass.create(
            {"renovation_id": reno.id, "worker_name": "刘师傅", "id_number": "110101199001011234"}
        )
        self.assertEqual(card.id_number_masked, "110***********1234")
        self.assertEqual(card.date_to, reno.date_end)
        result, reason = Pass.gate_check(card.number)
        self.assertEqual(result, "valid")
        self.assertIn("刘师傅", reason)
        result, reason = Pass.gate_check(card.number, on_date=reno.date_end + timedelta(days=1))
        self.assertEqual(result, "expired")
        self.assertEqual(Pass.gate_check("CR-NOPE")[0], "invalid")
        gate = (
            self.env["cs.property.renovation.gate.check"]
            .with_user(self.user_agent)
            .create({"number": card.number})
        )
        self.assertEqual(gate.result, "valid")
        card.action_revoke()
        result, reason = Pass.gate_check(card.number)
        self.assertEqual(result, "invalid")
        self.assertIn("revoked", reason)
        with self.assertRefused(UserError, "already “Revoked”"):
            card.action_revoke()
        for i in range(3):
            Pass.create({"renovation_id": reno.id, "worker_name": f"w{i}", "id_number": "1234"})
        with self.assertRefused(UserError, "3 workers were declared"):
            Pass.create({"renovation_id": reno.id, "worker_name": "w4", "id_number": "1234"})

    def test_pass_card_prints_masked_id_and_a_qr_the_gate_accepts(self):
        reno = self._in_works()
        with self.assertRefused(UserError, "no issued worker pass to print"):
            reno.with_user(self.user_agent).action_print_passes()
        Pass = self.env["cs.property.renovation.pass"].with_user(self.user_agent)
        cards = Pass.create(
            [
                {"renovation_id": reno.id, "worker_name": name, "id_number": number}
                for name, number in (("刘师傅", "110101199001011234"), ("王师傅", "2202025678"))
            ]
        )
        cards[1].action_revoke()
        action = reno.with_user(self.user_agent).action_print_passes()
        self.assertEqual(action["report_name"], "cs_property.report_renovation_pass")
        self.assertEqual(action["context"]["active_ids"], cards[0].ids)
        self.assertNotIn(None, action.values())
        # what the QR codes encode is what the gate looks up
        Report = type(self.env["ir.actions.report"])
        encoded = []
        barcode = Report.barcode

        def spy(report, barcode_type, value, **kwargs):
            encoded.append((barcode_type, value))
            return barcode(report, barcode_type, value, **kwargs)

        with patch.object(Report, "barcode", spy):
            html = (
                self.env["ir.actions.report"]
                .with_user(self.user_agent)
                ._render_qweb_html("cs_property.report_renovation_pass", cards.ids)[0]
                .decode()
            )
        self.assertEqual(encoded, [("QR", card.number) for card in cards])
        self.assertIn("110***********1234", html)
        self.assertNotIn("110101199001011234", html)
        self.assertIn(reno.name, html)
        self.assertIn("data:image/png;base64,", html)
        self.assertEqual(Pass.gate_check(cards[0].number)[0], "valid")
        # scanners end the code with a line break
        self.assertEqual(Pass.gate_check(f"{cards[0].number}\n")[0], "valid")
        self.assertEqual(Pass.gate_check(encoded[1][1])[0], "invalid")

    def test_no_pass_before_permit(self):
        reno = self._approved()
        with self.assertRefused(UserError, "passes are issued only with the permit"):
            self.env["cs.property.renovation.pass"].create(
                {"renovation_id": reno.id, "worker_name": "x", "id_number": "1"}
            )

    def test_extension(self):
        reno = self._in_works()
        with self.assertRefused(UserError, "give the new end date"):
            reno.action_request_extension()
        reno.write(
            {"extension_end": reno.date_end + timedelta(days=20), "extension_reason": "材料延误"}
        )
        card = self.env["cs.property.renovation.pass"].create(
            {"renovation_id": reno.id, "worker_name": "刘", "id_number": "1"}
        )
        reno.action_request_extension()
        self.assertEqual(reno.extension_state, "pending")
        reno.action_approve_extension()
        self.assertEqual(reno.date_end, reno.extension_end)
        self.assertEqual(card.date_to, reno.extension_end)
        with self.assertRefused(UserError, "has no extension request"):
            reno.action_approve_extension()
        # past the end without extension: overdue
        reno.sudo().write(
            {
                "date_start": self.today - timedelta(days=9),
                "date_end": self.today - timedelta(days=1),
            }
        )
        self.assertTrue(reno.is_overdue)
        self.assertIn(reno, reno.search([("is_overdue", "=", True)]))
        with self.assertRefused(UserError, "applied for before the planned end"):
            reno.action_request_extension()

    def test_patrol_planner_is_idempotent(self):
        reno = self._in_works()
        Patrol = self.env["cs.property.renovation.patrol"]
        count = reno.patrol_count
        # 30 days, first after 2 days then every 7: days 2, 9, 16, 23, 30
        self.assertEqual(count, 5)
        self.assertEqual(
            min(reno.patrol_ids.mapped("planned_date")), self.today + timedelta(days=2)
        )
        Patrol._cron_plan_patrols()
        Patrol._cron_plan_patrols()
        reno.invalidate_recordset()
        self.assertEqual(reno.patrol_count, count)
        # a short renovation still gets two patrols
        self._occupy(self.unit_a102, self.owner)
        short = self._in_works(unit=self.unit_a102, date_end=self.today)
        self.assertEqual(short.patrol_count, 2)

    def test_patrol_checklist_and_violation_recheck(self):
        reno = self._in_works()
        patrol = reno.patrol_ids[0].with_user(self.user_technician)
        patrol.write(
            dict.fromkeys(
                ("check_structure", "check_waterproofing", "check_fire", "check_debris"), True
            )
        )
        with self.assertRefused(UserError, "record the violation found"):
            patrol.action_done()
        with self.assertRefused(UserError, "“Patrol Done” can only be done by Technician"):
            patrol.with_user(self.user_agent).action_done()
        violation = self._violation(reno, patrol_id=patrol.id)
        self.assertTrue(violation.name.startswith("WG"))
        patrol.action_done()
        self.assertEqual(patrol.state, "done")
        self.assertEqual(reno.open_violation_count, 1)
        with self.assertRefused(UserError, "write what the re-check found"):
            violation.action_recheck_pass()
        violation.recheck_note = "已停止夜间施工"
        violation.action_recheck_pass()
        self.assertEqual(violation.state, "closed")
        action = self.env.ref("cs_property.action_report_renovation_violation")
        html, _ = self.env["ir.actions.report"]._render_qweb_html(action.report_name, violation.ids)
        self.assertIn(violation.name, html.decode())

    def test_acceptance_fail_then_pass_and_patrol_shortfall(self):
        reno = self._in_works()
        reno.action_request_acceptance()
        self.assertTrue(reno.patrol_shortfall)
        self.assertIn(reno, reno.search([("patrol_shortfall", "=", True)]))
        engineer = reno.with_user(self.user_technician)
        with self.assertRefused(UserError, "tick off|items not in order"):
            engineer.action_acceptance_pass()
        reno.write(
            {
                "accept_structure_ok": True,
                "accept_fire_ok": True,
                "accept_facade_ok": True,
                "accept_debris_ok": True,
                "accept_waterproof_test": "fail",
            }
        )
        engineer.action_acceptance_fail()
        self.assertEqual(reno.state, "works")
        self.assertIn("Waterproofing", reno.acceptance_failed_items)
        reno.action_request_acceptance()
        reno.accept_waterproof_test = "pass"
        with self.assertRefused(UserError, "tick off the failed items"):
            engineer.action_acceptance_fail()
        engineer.action_acceptance_pass()
        self.assertEqual(reno.state, "accepted")

    def test_prints(self):
        reno = self._in_works()
        for xmlid in ("action_report_renovation_agreement", "action_report_renovation_permit"):
            action = self.env.ref(f"cs_property.{xmlid}")
            html, _ = self.env["ir.actions.report"]._render_qweb_html(action.report_name, reno.ids)
            self.assertIn(reno.unit_id.name, html.decode())
        self.env["cs.property.renovation.pass"].create(
            {"renovation_id": reno.id, "worker_name": "刘", "id_number": "110101199001011234"}
        )
        permit = self.env.ref("cs_property.action_report_renovation_permit")
        html = self.env["ir.actions.report"]._render_qweb_html(permit.report_name, reno.ids)[0]
        self.assertIn("110***********1234", html.decode())
        self.assertNotIn("110101199001011234", html.decode())


class TestRenovationAccess(RenovationCase):
    def test_estate_and_company_rules(self):
        reno_a = self._reno()
        reno_b = self._reno(unit=self.unit_b101, user=self.user_manager)
        Reno = self.env["cs.property.renovation"]
        self.assertEqual(Reno.with_user(self.user_agent).search([]), reno_a)
        self.assertEqual(Reno.with_user(self.user_inspector).search([]), reno_a)
        mine = [("estate_id", "in", (self.estate_a | self.estate_b).ids)]
        self.assertEqual(Reno.with_user(self.user_finance).search(mine), reno_a | reno_b)
        self.assertFalse(Reno.with_user(self.user_manager_2).search([]))
        with self.assertRaises(AccessError):
            reno_b.with_user(self.user_agent).read(["name"])
        with self.assertRaises(AccessError):
            Reno.with_user(self.user_plain).search([])
        # QA reads but does not write; technicians do not open applications
        with self.assertRaises(AccessError):
            reno_a.with_user(self.user_inspector).write({"description": "x"})
        with self.assertRaises(AccessError):
            self._reno(unit=self.unit_a102, user=self.user_technician)

    def test_list_queries_flat(self):
        units = [self._unit(self.building_a2, f"9{i:02d}", 9, 80.0) for i in range(80)]
        renos = self.env["cs.property.renovation"].create(
            [
                {
                    "estate_id": self.estate_a.id,
                    "unit_id": unit.id,
                    "partner_id": self.owner.id,
                    "date_start": self.today,
                    "date_end": self.today + timedelta(days=10),
                }
                for unit in units
            ]
        )
        fields = [
            "name",
            "estate_id",
            "unit_id",
            "partner_id",
            "contractor_id",
            "date_start",
            "date_end",
            "sla_deadline",
            "fee_total",
            "deposit_held",
            "patrols_done",
            "open_violation_count",
            "state",
            "is_overdue",
            "pass_count",
            "patrol_count",
            "activity_ids",
        ]
        self.assertListQueriesFlat(renos, fields, self.user_agent, 9)


class TestRenovationMore(RenovationCase):
    def test_other_company_manager_sees_own_renovations(self):
        self._occupy(self.unit_c101, self.owner_2)
        reno_c = self._reno(
            unit=self.unit_c101, user=self.user_manager_2, partner_id=self.owner_2.id
        )
        Reno = self.env["cs.property.renovation"]
        self.assertEqual(Reno.with_user(self.user_manager_2).search([]), reno_c)
        self.assertNotIn(reno_c, Reno.with_user(self.user_manager).search([]))
        # the other company gets its own deposit account on first use
        account = self.company_2._cs_renovation_deposit_account()
        self.assertEqual(account.company_ids, self.company_2)
        self.assertEqual(reno_c.estate_id._renovation_deposit_account(), account)

    def test_gate_refusals_smart_buttons_and_cancellations(self):
        reno = self._in_works()
        Pass = self.env["cs.property.renovation.pass"]
        card = Pass.create({"renovation_id": reno.id, "worker_name": "刘", "id_number": "1"})
        self.assertEqual(card.id_number_masked, "****")
        result, reason = Pass.gate_check(card.number, on_date=reno.date_start - timedelta(days=1))
        self.assertEqual(result, "invalid")
        self.assertIn("valid only from", reason)
        empty = self.env["cs.property.renovation.gate.check"].create({})
        self.assertFalse(empty.result)
        for method, model in (
            ("action_view_passes", "cs.property.renovation.pass"),
            ("action_view_patrols", "cs.property.renovation.patrol"),
            ("action_view_violations", "cs.property.renovation.violation"),
            ("action_view_deposit_moves", "cs.property.renovation.deposit"),
        ):
            action = getattr(reno, method)()
            self.assertEqual(action["res_model"], model)
            self.assertEqual(
                self.env[model].search(action["domain"]),
                getattr(
                    reno,
                    {
                        "cs.property.renovation.pass": "pass_ids",
                        "cs.property.renovation.patrol": "patrol_ids",
                        "cs.property.renovation.violation": "violation_ids",
                        "cs.property.renovation.deposit": "deposit_line_ids",
                    }[model],
                ),
            )
        patrol = reno.patrol_ids[-1]
        action = patrol.action_new_violation()
        self.assertEqual(action["context"]["default_patrol_id"], patrol.id)
        patrol.action_cancel()
        self.assertEqual(patrol.state, "cancelled")
        with self.assertRefused(UserError, "already closed"):
            patrol.with_user(self.user_technician).action_done()
        violation = self._violation(reno, amount=0.0)
        with self.assertRefused(UserError, "has no deduction amount"):
            violation.with_user(self.user_finance).action_deduct()
        violation.action_cancel()
        self.assertEqual(violation.state, "cancelled")
        with self.assertRefused(UserError, "is not open"):
            violation.action_recheck_pass()
        with self.assertRefused(ValidationError, "cannot be before the notice"):
            self._violation(reno, deadline=self.today - timedelta(days=5))
        # pass state and revocation reason
        card.with_context(revoke_reason="离职").action_revoke()
        self.assertEqual(card.revoke_reason, "离职")
        # the permit is out: cancelling is no longer possible
        with self.assertRefused(UserError, "cancelling is not possible now"):
            reno.action_cancel()

    def test_extension_refused_and_overdue_search(self):
        reno = self._in_works()
        reno.write({"extension_end": reno.date_end + timedelta(days=5), "extension_reason": "雨季"})
        reno.action_request_extension()
        reno.action_refuse_extension()
        self.assertEqual(reno.extension_state, "refused")
        self.assertFalse(reno.extension_end)
        self.assertNotIn(reno, reno.search([("is_overdue", "=", True)]))
        self.assertIn(reno, reno.search([("is_overdue", "!=", True)]))

    def test_sla_hooks_and_violation_outside_works(self):
        reno = self._reno()
        self._hand_in_documents(reno)
        reno.action_submit()
        reno._sla_notify_warning(reno.sla_line_ids)
        reno._sla_notify_escalation(reno.sla_line_ids, 2)
        self.assertEqual(len(reno._activity_open(("sla_warning", "sla_manager"))), 2)
        with self.assertRefused(UserError, "violations are recorded while the works run"):
            self._violation(reno)
        self.assertEqual(reno._workflow_final_states()[0], "closed")
