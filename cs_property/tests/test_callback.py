from odoo.exceptions import ValidationError

from .test_complaint import ComplaintCase


class TestCallbackPolicy(ComplaintCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.ref("cs_property.callback_policy_complaint").active = False
        cls.policy = cls.env["cs.property.callback.policy"].create(
            {
                "name": "20 % sample",
                "model_id": cls.env["ir.model"]._get_id("cs.property.complaint"),
                "sample_rate": 20,
                "window_hours": 72,
                "required_to_close": False,
            }
        )

    def test_sampling_is_fair_and_stable(self):
        Complaint = self.env["cs.property.complaint"]
        sampled = [self.policy._is_sampled(Complaint.browse(i)) for i in range(1, 1001)]
        self.assertAlmostEqual(sum(sampled) / 1000, 0.20, delta=0.02)
        self.assertEqual(
            sampled, [self.policy._is_sampled(Complaint.browse(i)) for i in range(1, 1001)]
        )
        self.policy.sample_rate = 100
        self.assertTrue(all(self.policy._is_sampled(Complaint.browse(i)) for i in range(1, 50)))

    def test_sampled_complaint_gets_an_activity_others_do_not(self):
        complaints = self._new() | self._new() | self._new() | self._new() | self._new()
        complaints._set_state("done")  # the automation rule schedules callbacks
        callback_type = self.env.ref("cs_property.mail_activity_type_callback")
        for complaint in complaints:
            has_activity = bool(
                complaint.activity_ids.filtered(lambda a: a.activity_type_id == callback_type)
            )
            self.assertEqual(has_activity, self.policy._is_sampled(complaint))
            self.assertFalse(complaint.callback_required, "the policy does not block closing")
        complaints[0].action_close()
        self.assertEqual(complaints[0].state, "closed")

    def test_policy_refusals(self):
        with self.assertRefused(ValidationError, "between 0 and 100"):
            self.policy.sample_rate = 0
        with self.assertRefused(ValidationError, "between 0 and 100"):
            self.policy.sample_rate = 150
        with self.assertRefused(ValidationError, "window must be greater than zero"):
            self.policy.window_hours = 0
        self.assertEqual(self.policy.sample_rate, 20)

    def test_callback_refusals(self):
        complaint = self._new()
        vals = {"res_model": complaint._name, "res_id": complaint.id, "partner_id": self.owner.id}
        with self.assertRefused(ValidationError, "must be between 1 and 5"):
            self.env["cs.property.callback"].create(
                {**vals, "satisfaction": "satisfied", "score_attitude": 6}
            )
        with self.assertRefused(ValidationError, "record the customer's satisfaction"):
            self.env["cs.property.callback"].create(vals)
        callback = self.env["cs.property.callback"].create({**vals, "satisfaction": "satisfied"})
        self.assertEqual(callback.estate_id, self.estate_a)
        self.assertEqual(callback.record_name, complaint.display_name)
        self.assertTrue(callback.is_satisfied)
        self.assertEqual(complaint.callback_count, 1)

    def test_sla_line_names_and_overdue_search(self):
        complaint = self._new()
        line = complaint.sudo().sla_line_ids[:1]
        self.assertEqual(line.display_name, f"{complaint.name}: {line.name}")
        line.deadline = "2020-01-01 00:00:00"
        Line = self.env["cs.property.sla.line"]
        self.assertIn(line, Line.search([("is_overdue", "=", True)]))
        self.assertNotIn(line, Line.search([("is_overdue", "=", False)]))
        self.assertTrue(line.is_overdue)

    def test_callback_policy_criteria_must_be_valid(self):
        with self.assertRefused(ValidationError, "criteria are not a valid domain"):
            self.policy.domain = "[('nope', '=', 1)]"

    def test_documents_are_read_in_batch(self):
        complaints = self.env["cs.property.complaint"].browse([self._new().id for _ in range(20)])
        callbacks = self.env["cs.property.callback"].create(
            [
                {
                    "res_model": c._name,
                    "res_id": c.id,
                    "partner_id": self.owner.id,
                    "satisfaction": "satisfied",
                }
                for c in complaints
            ]
        )
        self.assertEqual(callbacks.estate_id, self.estate_a)
        lines = complaints.sudo().sla_line_ids

        def read(few):
            self.env.invalidate_all()
            callbacks[:few].mapped("record_name")
            lines[: few * 2].mapped("display_name")

        read(3)
        with self.assertQueryCount(6):
            read(3)
        with self.assertQueryCount(6):
            read(20)
