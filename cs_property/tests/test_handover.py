from datetime import date, timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError

from .common import CsPropertyCase
from .test_rework import PIXEL


class HandoverCase(CsPropertyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contractor = cls.env["res.partner"].create(
            {"name": "中建三局", "is_company": True, "property_party_type": "contractor"}
        )
        cls.building_a1.write(
            {
                "developer_id": cls.developer.id,
                "contractor_id": cls.contractor.id,
                "completion_date": date.today() - timedelta(days=30),
            }
        )
        cls.unit_a101.bedroom_count = 3
        cls.template = cls.env.ref("cs_property.handover_template_residential")
        cls.buyer = cls.env["res.partner"].create({"name": "陈买家", "phone": "13900000009"})

    def _handover(self, user=None, unit=None, **vals):
        return (
            self.env["cs.property.handover"]
            .with_user(user or self.user_agent)
            .create(
                {
                    "estate_id": self.estate_a.id,
                    "unit_id": (unit or self.unit_a101).id,
                    "partner_id": self.buyer.id,
                    "template_id": self.template.id,
                    **vals,
                }
            )
        )

    def _check_all(self, handover, defects=()):
        for line in handover.line_ids:
            if line.name in defects:
                line.write(
                    {
                        "result": "defect",
                        "description": "空鼓",
                        "location": "东墙",
                        "photo": PIXEL,
                        "severity": "normal",
                    }
                )
            else:
                line.result = "ok"


class TestHandover(HandoverCase):
    def test_start_copies_template_with_bedrooms(self):
        handover = self._handover()
        self.assertTrue(handover.name.startswith("YF"))
        handover.action_start()
        self.assertEqual(handover.state, "inspecting")
        template_items = len(self.template.line_ids)
        per_bedroom = len(self.template.line_ids.filtered("per_bedroom"))
        self.assertEqual(handover.item_count, template_items + 2 * per_bedroom)
        self.assertIn("卧室3", handover.line_ids.mapped("room"))
        self.assertEqual(len(handover.document_ids), 4)
        # editing the template later never rewrites the inspection
        self.template.line_ids[0].name = "改名"
        self.assertNotIn("改名", handover.line_ids.mapped("name"))

    def test_start_queries_constant(self):
        """Starting from a 60-item checklist costs what a 6-item one costs."""
        walls = self.env.ref("cs_property.repair_category_walls")

        def template(count):
            return self.env["cs.property.handover.template"].create(
                {
                    "name": f"{count} items",
                    "line_ids": [
                        Command.create(
                            {"room": f"房间{i // 6}", "name": f"项目{i}", "category_id": walls.id}
                        )
                        for i in range(count)
                    ],
                }
            )

        def queries(handover):
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            handover.action_start()
            self.env.flush_all()
            return self.env.cr.sql_log_count - before

        warm = self._handover(template_id=template(3).id, unit=self.unit_a102)
        small = self._handover(template_id=template(6).id, unit=self.unit_a102)
        large = self._handover(template_id=template(60).id, unit=self.unit_a102)
        queries(warm)
        self.assertEqual(queries(small), queries(large))
        self.assertEqual(large.item_count, 60)

    def test_accept_flow(self):
        handover = self._handover()
        with self.assertRefused(UserError, "is not possible now"):
            handover.action_accept()
        handover.action_start()
        with self.assertRefused(UserError, "not checked yet"):
            handover.action_accept()
        self._check_all(handover)
        handover.line_ids[0].write({"result": "defect"})
        with self.assertRefused(UserError, "describe it and add its photo"):
            handover.action_accept()
        handover.line_ids[0].result = "ok"
        self.env["cs.property.meter.reading"].with_user(self.user_technician).create(
            {
                "unit_id": self.unit_a101.id,
                "handover_id": handover.id,
                "meter_type": "electricity",
                "meter_number": "E-1001",
                "reading": 12.5,
            }
        )
        handover.key_ids = [
            Command.create({"key_type": "door", "count": 3, "received_by": "陈买家"})
        ]
        with self.assertRefused(
            UserError, "fill in Owner Signature and Staff Signature before accepting"
        ):
            handover.action_accept()
        handover.owner_signature = PIXEL
        with self.assertRefused(UserError, "fill in Staff Signature before accepting the handover"):
            handover.action_accept()
        handover.staff_signature = PIXEL
        self.assertTrue(handover.action_accept())
        unit = self.unit_a101
        today = date.today()
        self.assertEqual(unit.handover_date, today)
        self.assertEqual(unit.state, "vacant")
        self.assertEqual(unit.charges_start_date, today)
        self.assertEqual(unit.owner_id, self.buyer)
        self.assertEqual(unit.meter_reading_ids.reading, 12.5)
        self.assertTrue(handover.first_time_accepted)
        # welcome callback within a month
        self.assertTrue(handover.callback_due_date)
        self.assertLessEqual(handover.callback_due_date.date(), today + timedelta(days=31))
        self.assertTrue(handover.activity_ids)
        # locked
        with self.assertRefused(UserError, "is “Accepted”: Outcome Note can no longer be changed"):
            handover.outcome_note = "改"
        with self.assertRefused(UserError, "is “Accepted”: .* can no longer be changed"):
            handover.line_ids[0].result = "defect"
        with self.assertRefused(UserError, "is “Accepted”: .* can no longer be changed"):
            handover.key_ids = [Command.create({"key_type": "card", "received_by": "x"})]
        with self.assertRefused(UserError, "is “Accepted”: .* can no longer be changed"):
            handover.key_ids[0].count = 5
        with self.assertRefused(UserError, "is “Accepted”: .* can no longer be changed"):
            handover.document_ids[0].delivered = not handover.document_ids[0].delivered
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("cs_property.report_handover", handover.ids)[0]
            .decode()
        )
        self.assertIn("E-1001", html)
        self.assertIn("data:image/png;base64", html)

    def test_defects_refuse_reinspect_rework(self):
        handover = self._handover()
        handover.action_start()
        self._check_all(handover, defects=("闭水试验", "地面空鼓"))
        handover.line_ids.filtered(lambda ln: ln.name == "闭水试验").responsible = "developer"
        handover.owner_signature = PIXEL
        handover.staff_signature = PIXEL
        with self.assertRefused(UserError, "defects: refuse the handover"):
            handover.action_accept()
        handover.action_refuse()
        self.assertEqual(handover.state, "refused")
        self.assertFalse(self.unit_a101.handover_date)
        action = handover.action_create_rework()
        orders = self.env["cs.property.rework"].search(action["domain"])
        # one order per responsible party of the unit
        self.assertEqual(len(orders), 2)
        self.assertEqual(set(orders.mapped("source")), {"handover"})
        contractor_order = orders.filtered("contractor_id")
        self.assertEqual(contractor_order.contractor_id, self.contractor)
        self.assertEqual(sorted(orders.mapped("line_count")), [1, 4])
        self.assertTrue(
            all(handover.line_ids.filtered(lambda ln: ln.result == "defect").rework_line_id)
        )
        with self.assertRefused(UserError, "already has its rework order"):
            handover.action_create_rework()
        self.assertEqual(
            handover.action_view_rework()["domain"], [("id", "in", handover.rework_ids.ids)]
        )
        # re-inspection: only the failed items, beside their earlier result
        again = self.env["cs.property.handover"].browse(handover.action_reinspect()["res_id"])
        again.action_start()
        self.assertEqual(again.item_count, 5)
        self.assertEqual(set(again.line_ids.mapped("previous_result")), {"defect"})
        self.assertTrue(all(again.line_ids.mapped("previous_photo")))
        again.line_ids.result = "ok"
        again.write({"owner_signature": PIXEL, "staff_signature": PIXEL})
        again.action_accept()
        self.assertFalse(again.first_time_accepted)
        self.assertEqual(handover.defects_per_100_units, 500.0)
        rows = self.env["cs.property.handover"]._read_group(
            [("id", "in", (handover | again).ids)], [], ["first_time_rate:avg"]
        )
        self.assertEqual(rows[0][0], 0.0)
        self.assertEqual(self.unit_a101.owner_id, self.buyer)

    def test_accept_with_defects_and_cancel(self):
        handover = self._handover()
        handover.action_start()
        self._check_all(handover, defects=("灯具",))
        handover.write(
            {"owner_signature": PIXEL, "staff_signature": PIXEL, "accepted_with_defects": True}
        )
        handover.action_accept()
        self.assertEqual(handover.state, "accepted")
        other = self._handover(unit=self.unit_a102)
        other.action_start()
        other.action_mark_remaining_ok()
        self.assertFalse(other.pending_count)
        with self.assertRefused(UserError, "no defect"):
            other.action_refuse()
        with self.assertRefused(UserError, "directly"):
            other.write({"state": "accepted"})
        other.action_cancel()
        self.assertEqual(other.state, "cancelled")
        with self.assertRefused(UserError, "directly"):
            other.write({"state": "draft"})


class TestHandoverAccess(HandoverCase):
    def test_roles_both_ways(self):
        handover = self._handover()
        handover.action_start()
        # technician records results, cannot create or accept
        line = handover.line_ids[0].with_user(self.user_technician)
        line.result = "ok"
        with self.assertRaises(AccessError):
            self._handover(user=self.user_technician)
        # inspector reads only
        self.assertTrue(handover.with_user(self.user_inspector).line_ids)
        with self.assertRaises(AccessError):
            handover.line_ids[1].with_user(self.user_inspector).result = "ok"
        # other estate, other company
        with self.assertRaises(AccessError):
            self._handover(unit=self.unit_b101, estate_id=self.estate_b.id)
        other = self.env["cs.property.handover"].create(
            {
                "estate_id": self.estate_b.id,
                "unit_id": self.unit_b101.id,
                "template_id": self.template.id,
            }
        )
        Agent = self.env["cs.property.handover"].with_user(self.user_agent)
        self.assertEqual(Agent.search([]), handover)
        self.assertIn(
            other, self.env["cs.property.handover"].with_user(self.user_manager).search([])
        )
        self.assertFalse(self.env["cs.property.handover"].with_user(self.user_manager_2).search([]))
        with self.assertRaises(AccessError):
            handover.with_user(self.user_plain).read(["name"])

    def test_list_queries_flat(self):
        units = [self._unit(self.building_a1, f"9{i:02d}", 9, 80.0) for i in range(80)]
        handovers = self.env["cs.property.handover"].create(
            [
                {
                    "estate_id": self.estate_a.id,
                    "unit_id": unit.id,
                    "partner_id": self.buyer.id,
                    "template_id": self.template.id,
                }
                for unit in units
            ]
        )
        fields_list = [
            "name",
            "received_at",
            "unit_id",
            "partner_id",
            "staff_id",
            "item_count",
            "defect_count",
            "previous_id",
            "state",
            "activity_ids",
        ]
        self.assertListQueriesFlat(handovers, fields_list, self.user_manager, 12)


class TestDeliveryProgramme(HandoverCase):
    def _programme(self, capacity=2):
        programme = (
            self.env["cs.property.handover.programme"]
            .with_user(self.user_agent)
            .create(
                {
                    "name": "1栋集中交付",
                    "estate_id": self.estate_a.id,
                    "building_id": self.building_a1.id,
                    "template_id": self.template.id,
                    "date_start": date.today() + timedelta(days=1),
                    "date_end": date.today() + timedelta(days=2),
                    "slot_capacity": capacity,
                    "staff_ids": [Command.set(self.user_agent.ids)],
                }
            )
        )
        return programme

    def test_programme_booking_flow(self):
        programme = self._programme()
        with self.assertRefused(UserError, "generate its slots"):
            programme.action_open()
        programme.action_generate_slots()
        self.assertEqual(len(programme.slot_ids), 4)
        programme.action_generate_slots()  # idempotent
        self.assertEqual(len(programme.slot_ids), 4)
        programme.action_open()
        self.assertEqual(programme.state, "open")
        self._occupy(self.unit_a102, self.owner)
        programme.action_invite_units()
        self.assertEqual(programme.invited_count, 2)
        self.assertEqual(programme.not_booked_count, 2)
        first, second = programme.appointment_ids.sorted("unit_id")
        self.assertEqual(second.partner_id, self.owner)
        slot = programme.slot_ids[0]
        with self.assertRefused(UserError, "choose the slot"):
            first.action_book()
        first.slot_choice_id = slot
        with self.assertRefused(UserError, "name the owner"):
            first.action_book()
        first.partner_id = self.buyer
        first.action_book()
        self.assertEqual(first.slot_id, slot)
        self.assertEqual(slot.booked_count, 1)
        # the slot is full: the second booking is refused
        slot.capacity = 1
        second.slot_choice_id = slot
        with self.assertRefused(UserError, "is full"):
            second.action_book()
        self.assertEqual(second.state, "invited")
        second.slot_choice_id = programme.slot_ids[1]
        second.action_book()
        # reschedule and no-show
        second.slot_choice_id = programme.slot_ids[2]
        second.action_reschedule()
        self.assertEqual(second.slot_id, programme.slot_ids[2])
        self.assertEqual(second.reschedule_count, 1)
        with self.assertRefused(UserError, "not started yet"):
            second.action_no_show()
        second.slot_id.sudo().write(
            {"start": date.today() - timedelta(days=1), "stop": date.today()}
        )
        second.action_no_show()
        self.assertEqual(second.state, "no_show")
        # the owner arrives (early, confirmed): the inspection starts from the
        # programme's checklist
        action = first.with_context(confirm_early_start=True).action_check_in()
        handover = self.env["cs.property.handover"].browse(action["res_id"])
        self.assertEqual(handover.state, "inspecting")
        self.assertEqual(first.handover_id, handover)
        self._check_all(handover)
        handover.write({"owner_signature": PIXEL, "staff_signature": PIXEL})
        handover.action_accept()
        programme.invalidate_recordset()
        self.assertEqual(programme.handed_over_count, 1)
        self.assertEqual(programme.booked_count, 2)
        with self.assertRefused(UserError, "directly"):
            first.write({"state": "invited"})
        second.action_cancel()
        programme.action_close()
        self.assertEqual(programme.state, "closed")

    def test_programme_access(self):
        programme = self._programme()
        with self.assertRaises(AccessError):
            programme.with_user(self.user_technician).write({"name": "x"})
        self.assertTrue(programme.with_user(self.user_inspector).name)
        self.assertFalse(
            self.env["cs.property.handover.programme"].with_user(self.user_manager_2).search([])
        )


class TestHandoverRecords(HandoverCase):
    def test_meter_reading_and_template_counts(self):
        self.assertEqual(self.template.item_count, len(self.template.line_ids))
        with self.assertRefused(ValidationError, "cannot be negative"):
            self.env["cs.property.meter.reading"].create(
                {"unit_id": self.unit_a101.id, "meter_type": "water", "reading": -1}
            )
        reading = self.env["cs.property.meter.reading"].create(
            {"unit_id": self.unit_a101.id, "meter_type": "gas", "reading": 5}
        )
        self.assertEqual(reading.estate_id, self.estate_a)
        handover = self._handover()
        handover.action_start()
        handover.document_ids[:1].delivered = True
        handover.key_ids = [Command.create({"key_type": "card", "count": 2, "received_by": "x"})]
        handover.key_ids.count = 3
        self.assertEqual(handover.key_ids.count, 3)


class TestHandoverDefectReport(HandoverCase):
    def test_defects_per_100_units_by_room_item_contractor(self):
        """2 units, 3 defects in 卧室: 150 per 100 units, at every pivot level."""
        walls = self.env.ref("cs_property.repair_category_walls")
        template = self.env["cs.property.handover.template"].create(
            {
                "name": "小户型",
                "line_ids": [
                    Command.create({"room": "卧室", "name": "墙面", "category_id": walls.id}),
                    Command.create({"room": "卧室", "name": "地板", "category_id": walls.id}),
                    Command.create({"room": "客厅", "name": "墙面", "category_id": walls.id}),
                ],
            }
        )
        for unit, defects in ((self.unit_a101, ("墙面", "地板")), (self.unit_a102, ("墙面",))):
            handover = self._handover(unit=unit, template_id=template.id)
            handover.action_start()
            for line in handover.line_ids:
                is_defect = line.room == "卧室" and line.name in defects
                line.write(
                    {"result": "defect", "description": "空鼓", "photo": PIXEL}
                    if is_defect
                    else {"result": "ok"}
                )
        Report = self.env["cs.property.handover.defect.report"].with_user(self.user_agent)
        domain = [("handover_id.template_id", "=", template.id)]
        measures = ["defect_count:sum", "unit_count:sum", "defects_per_100_units:sum"]

        def figures(groupby):
            return {g[0]: g[1:] for g in Report._read_group(domain, [groupby], measures)}

        self.assertEqual(figures("room"), {"卧室": (3, 2, 150.0), "客厅": (0, 2, 0.0)})
        self.assertEqual(figures("name"), {"墙面": (2, 2, 100.0), "地板": (1, 2, 50.0)})
        self.assertEqual(figures("contractor_id"), {self.contractor: (3, 2, 150.0)})
        # the grand total is a ratio of the totals, not a sum of the rows
        self.assertEqual(Report._read_group(domain, [], measures), [(3, 2, 150.0)])
        # estate and company rules: another company's manager sees nothing
        self.assertFalse(
            self.env["cs.property.handover.defect.report"]
            .with_user(self.user_manager_2)
            .search_count(domain)
        )
