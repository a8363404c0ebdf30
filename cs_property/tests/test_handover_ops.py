"""Issue 15 §2: handover and rework rules held on the server, each with its
refusal (message and nothing changed), acting as the real role over RPC."""

import re
from datetime import date, datetime, timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.modules.module import get_module_path, load_script
from odoo.service.model import call_kw

from .test_handover import HandoverCase
from .test_rework import PIXEL


class HandoverOpsCase(HandoverCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.building_a2.write(
            {"developer_id": cls.developer.id, "contractor_id": cls.contractor.id}
        )
        cls.programme = cls._make_programme(cls.building_a1, "1栋集中交付")
        cls.other_programme = cls._make_programme(cls.building_a2, "2栋集中交付")
        cls.appointment = cls.env["cs.property.handover.appointment"].create(
            {
                "programme_id": cls.programme.id,
                "unit_id": cls.unit_a101.id,
                "partner_id": cls.buyer.id,
            }
        )
        cls.tomorrow_slot = cls.programme.slot_ids.sorted("start")[0]

    @classmethod
    def _make_programme(cls, building, name, **vals):
        programme = cls.env["cs.property.handover.programme"].create(
            {
                "name": name,
                "estate_id": cls.estate_a.id,
                "building_id": building.id,
                "template_id": cls.template.id,
                "date_start": date.today() + timedelta(days=1),
                "date_end": date.today() + timedelta(days=2),
                "slot_capacity": 2,
                **vals,
            }
        )
        programme.action_generate_slots()
        programme.action_open()
        return programme

    def rpc(self, user, model, method, ids, *args, context=None):
        kwargs = {"context": context} if context else {}
        return call_kw(self.env[model].with_user(user), method, [ids, *args], kwargs)

    def _order(self):
        """A rework order as the agent creates it (a draft)."""
        return (
            self.env["cs.property.rework"]
            .with_user(self.user_agent)
            .create(
                {
                    "estate_id": self.estate_a.id,
                    "unit_id": self.unit_a101.id,
                    "partner_id": self.owner.id,
                    "line_ids": [
                        Command.create(
                            {
                                "room": "卫生间",
                                "name": "闭水试验",
                                "description": "楼下渗水",
                                "category_id": self.env.ref("cs_property.repair_category_leak").id,
                            }
                        )
                    ],
                }
            )
        )

    def book(self, user, appointment, slot, context=None):
        return self.rpc(
            user,
            "cs.property.handover.appointment",
            "book_slot",
            appointment.ids,
            slot.id,
            context=context,
        )


class TestBooking(HandoverOpsCase):
    def assertNotBooked(self, appointment):
        appointment.invalidate_recordset()
        self.assertEqual(appointment.state, "invited")
        self.assertFalse(appointment.slot_id)

    def test_past_slot_refused(self):
        past = self.env["cs.property.handover.slot"].create(
            {
                "programme_id": self.programme.id,
                "start": fields.Datetime.now() - timedelta(hours=3),
                "stop": fields.Datetime.now() - timedelta(hours=1),
                "capacity": 5,
            }
        )
        with self.assertRefused(UserError, "has already begun or is over"):
            self.book(self.user_agent, self.appointment, past)
        self.assertNotBooked(self.appointment)
        # the manager over RPC is refused too: only data files record history
        with self.assertRefused(UserError, "has already begun or is over"):
            self.book(self.user_manager, self.appointment, past)
        self.assertNotBooked(self.appointment)

    def test_other_programme_slot_refused(self):
        slot = self.other_programme.slot_ids[0]
        with self.assertRefused(
            UserError,
            "belongs to the delivery programme “2栋集中交付” .*2栋.*, not to “1栋集中交付”",
        ):
            self.book(self.user_agent, self.appointment, slot)
        self.assertNotBooked(self.appointment)
        self.assertEqual(slot.booked_count, 0)
        # a unit of another building is not booked into this programme either
        stranger = self.env["cs.property.handover.appointment"].create(
            {
                "programme_id": self.programme.id,
                "unit_id": self.unit_a201.id,
                "partner_id": self.owner.id,
            }
        )
        with self.assertRefused(UserError, "the unit is not in .*1栋"):
            self.book(self.user_agent, stranger, self.tomorrow_slot)
        self.assertNotBooked(stranger)

    def test_full_slot_refused(self):
        self.tomorrow_slot.capacity = 1
        self.assertTrue(self.book(self.user_agent, self.appointment, self.tomorrow_slot))
        second = self.env["cs.property.handover.appointment"].create(
            {
                "programme_id": self.programme.id,
                "unit_id": self.unit_a102.id,
                "partner_id": self.owner.id,
            }
        )
        with self.assertRefused(UserError, "is full: its 1 places are booked"):
            self.book(self.user_agent, second, self.tomorrow_slot)
        self.assertNotBooked(second)
        self.assertEqual(self.tomorrow_slot.booked_count, 1)
        # rescheduling into the slot it already holds does not count itself
        self.assertTrue(self.book(self.user_agent, self.appointment, self.tomorrow_slot))

    def test_slot_picker_future_with_places_searchable_by_date(self):
        Slot = self.env["cs.property.handover.slot"].with_user(self.user_agent)
        past = Slot.sudo().create(
            {
                "programme_id": self.programme.id,
                "start": fields.Datetime.now() - timedelta(days=1),
                "stop": fields.Datetime.now() - timedelta(days=1, hours=-3),
                "capacity": 5,
            }
        )
        full = self.programme.slot_ids.sorted("start")[1]
        full.capacity = 1
        self.book(self.user_agent, self.appointment, full)
        field = self.env["cs.property.handover.appointment"]._fields["slot_choice_id"]
        self.assertIn("('bookable', '=', True)", field.domain)
        offered = Slot.search([("programme_id", "=", self.programme.id), ("bookable", "=", True)])
        self.assertNotIn(past, offered)
        self.assertNotIn(full, offered)
        self.assertEqual(len(offered), 3)
        self.assertIn(past, Slot.search([("bookable", "=", False)]))
        # typed in the picker: a date finds that day's slots (local time)
        day = self.tomorrow_slot.start.date()
        for text in (day.isoformat(), f"{day.month}-{day.day}", f"{day.month}/{day.day}"):
            found = Slot.with_context(tz="UTC").name_search(
                text, [("programme_id", "=", self.programme.id)]
            )
            self.assertEqual(
                {slot_id for slot_id, _name in found},
                set(self.programme.slot_ids.filtered(lambda s, d=day: s.start.date() == d).ids),
                text,
            )
        self.assertFalse(Slot.name_search("no date here"))
        arch = self.env.ref("cs_property.cs_property_handover_slot_view_search").arch
        self.assertIn('name="bookable"', arch)
        self.assertIn('date="start"', arch)


class TestEarlyStart(HandoverOpsCase):
    def setUp(self):
        super().setUp()
        self.book(self.user_agent, self.appointment, self.tomorrow_slot)

    def test_ask_returns_confirmation_then_starts(self):
        Handover = self.env["cs.property.handover"]
        before = Handover.search_count([])
        action = self.rpc(
            self.user_agent,
            "cs.property.handover.appointment",
            "action_check_in",
            self.appointment.ids,
        )
        self.assertEqual(action["res_model"], "cs.property.handover.early.start")
        self.assertEqual(action["target"], "new")
        self.assertEqual(self.appointment.state, "booked")
        self.assertEqual(Handover.search_count([]), before)
        wizard = self.env["cs.property.handover.early.start"].browse(action["res_id"])
        self.assertIn("has not begun yet", wizard.message)
        # the agent confirms in the dialog
        result = self.rpc(
            self.user_agent, "cs.property.handover.early.start", "action_confirm", wizard.ids
        )
        handover = Handover.browse(result["res_id"])
        self.assertEqual(handover.state, "inspecting")
        self.assertEqual(self.appointment.state, "checked_in")

    def test_ask_confirmed_over_rpc_by_context(self):
        result = self.rpc(
            self.user_agent,
            "cs.property.handover.appointment",
            "action_check_in",
            self.appointment.ids,
            context={"confirm_early_start": True},
        )
        self.assertEqual(result["res_model"], "cs.property.handover")
        self.assertEqual(self.appointment.state, "checked_in")

    def test_refuse_per_programme(self):
        self.programme.early_start = "refuse"
        for context in (None, {"confirm_early_start": True}):
            with self.assertRefused(UserError, "does not start inspections before the booked slot"):
                self.rpc(
                    self.user_agent,
                    "cs.property.handover.appointment",
                    "action_check_in",
                    self.appointment.ids,
                    context=context,
                )
            self.assertEqual(self.appointment.state, "booked")
            self.assertFalse(self.appointment.handover_id)
        # once the slot has begun, the inspection starts
        with freeze_time(self.tomorrow_slot.start + timedelta(minutes=5)):
            result = self.rpc(
                self.user_agent,
                "cs.property.handover.appointment",
                "action_check_in",
                self.appointment.ids,
            )
        self.assertEqual(self.appointment.handover_id.id, result["res_id"])

    def test_direct_start_of_a_booked_unit(self):
        """A handover created by hand for a unit booked tomorrow: the
        technician who starts it is asked, or refused."""
        handover = self._handover()
        action = self.rpc(
            self.user_technician, "cs.property.handover", "action_start", handover.ids
        )
        self.assertEqual(action["res_model"], "cs.property.handover.early.start")
        self.assertEqual(handover.state, "draft")
        self.assertFalse(handover.line_ids)
        self.rpc(
            self.user_technician,
            "cs.property.handover.early.start",
            "action_confirm",
            [action["res_id"]],
        )
        self.assertEqual(handover.state, "inspecting")
        self.programme.early_start = "refuse"
        other = self._handover()
        with self.assertRefused(UserError, "does not start inspections before the booked slot"):
            self.rpc(self.user_technician, "cs.property.handover", "action_start", other.ids)
        self.assertEqual(other.state, "draft")
        self.assertFalse(other.line_ids)


class TestReinspection(HandoverOpsCase):
    def _refused_visit(self):
        self.book(self.user_agent, self.appointment, self.tomorrow_slot)
        result = (
            self.appointment.with_user(self.user_agent)
            .with_context(confirm_early_start=True)
            .action_check_in()
        )
        handover = self.env["cs.property.handover"].browse(result["res_id"])
        self._check_all(handover, defects=("闭水试验",))
        self.env["cs.property.meter.reading"].with_user(self.user_technician).create(
            {
                "unit_id": self.unit_a101.id,
                "handover_id": handover.id,
                "meter_type": "water",
                "meter_number": "SB-101",
                "reading": 1.25,
                "date": date.today() - timedelta(days=3),
            }
        )
        handover.write({"owner_signature": PIXEL, "staff_signature": PIXEL})
        self.rpc(self.user_agent, "cs.property.handover", "action_refuse", handover.ids)
        return handover

    def _reinspect(self, handover):
        action = self.rpc(self.user_agent, "cs.property.handover", "action_reinspect", handover.ids)
        again = self.env["cs.property.handover"].browse(action["res_id"])
        self.rpc(self.user_agent, "cs.property.handover", "action_start", again.ids)
        return again

    def test_accepted_at_reinspection_counts_as_handed_over(self):
        first = self._refused_visit()
        self.assertEqual(self.appointment.handover_state, "refused")
        self.assertEqual((self.programme.handed_over_count, self.programme.refused_count), (0, 1))
        again = self._reinspect(first)
        # the appointment follows the latest inspection; still refused until decided
        self.assertEqual(self.appointment.latest_handover_id, again)
        self.assertEqual(self.appointment.handover_id, first)
        self.assertEqual(self.appointment.handover_state, "refused")
        again.line_ids.result = "ok"
        again.write({"owner_signature": PIXEL, "staff_signature": PIXEL})
        self.rpc(self.user_agent, "cs.property.handover", "action_accept", again.ids)
        self.assertEqual(self.appointment.handover_state, "accepted")
        self.programme.invalidate_recordset()
        self.assertEqual((self.programme.handed_over_count, self.programme.refused_count), (1, 0))
        self.assertEqual(again.root_id, first)
        self.assertEqual(first.chain_ids, first | again)
        # an upgraded database: the stored result was the first inspection's
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE cs_property_handover_appointment SET handover_state = 'refused', "
            "latest_handover_id = %s WHERE id = %s",
            [first.id, self.appointment.id],
        )
        self.env.invalidate_all()
        path = f"{get_module_path('cs_property')}/migrations/19.0.1.2.0/h15ops.py"
        module = load_script(path, "cs_property_migrate_19_0_1_2_0_h15ops")
        module.recompute_appointment_results(self.env)
        self.env.flush_all()
        self.env.invalidate_all()
        self.assertEqual(self.appointment.handover_state, "accepted")
        self.assertEqual(self.appointment.latest_handover_id, again)

    def test_meter_readings_carry_over(self):
        first = self._refused_visit()
        again = self._reinspect(first)
        reading = again.meter_reading_ids
        self.assertEqual(len(reading), 1)
        self.assertEqual(
            (reading.meter_number, reading.reading, reading.date),
            ("SB-101", 1.25, date.today() - timedelta(days=3)),
        )
        self.assertEqual(reading.carried_from_id, first.meter_reading_ids)
        # the refused visit keeps its own reading
        self.assertEqual(len(first.meter_reading_ids), 1)

    def test_reinspection_continues_open_rework(self):
        first = self._refused_visit()
        action = self.rpc(
            self.user_agent, "cs.property.handover", "action_create_rework", first.ids
        )
        order = self.env["cs.property.rework"].search(action["domain"])
        self.assertEqual(len(order), 1)
        Rework = self.env["cs.property.rework"]
        count = Rework.search_count([])
        again = self._reinspect(first)
        self._check_all(again, defects=("闭水试验",))
        again.write({"owner_signature": PIXEL, "staff_signature": PIXEL})
        self.rpc(self.user_agent, "cs.property.handover", "action_refuse", again.ids)
        action = self.rpc(
            self.user_agent, "cs.property.handover", "action_create_rework", again.ids
        )
        # no second order: the defect continues the open one
        self.assertEqual(Rework.search_count([]), count)
        self.assertEqual(Rework.search(action["domain"]), order)
        self.assertEqual(again.line_ids.rework_line_id, order.line_ids)
        self.assertEqual(len(order.line_ids), 1)
        self.assertIn(order, Rework.search(again.action_view_rework()["domain"]))
        with self.assertRefused(UserError, "every defect already has its rework order"):
            self.rpc(self.user_agent, "cs.property.handover", "action_create_rework", again.ids)
        self.assertEqual(Rework.search_count([]), count)

    def test_reinspection_after_closed_rework_issues_anew(self):
        first = self._refused_visit()
        first.action_create_rework()
        old = first.rework_ids
        old.sudo()._set_state("closed")
        again = self._reinspect(first)
        self._check_all(again, defects=("闭水试验",))
        again.write({"owner_signature": PIXEL, "staff_signature": PIXEL})
        again.action_refuse()
        action = again.action_create_rework()
        new = self.env["cs.property.rework"].search(action["domain"])
        self.assertTrue(new)
        self.assertNotEqual(new, old)
        self.assertTrue(new.is_repeat)


class TestReworkReceiptAndSla(HandoverOpsCase):
    def test_receipt_needs_the_signature(self):
        order = self._order()
        order.action_issue()
        order.write({"acknowledged_by": "刘工", "promised_date": date.today() + timedelta(days=5)})
        with self.assertRefused(
            UserError, "fill in Acknowledgement Signature before recording the receipt"
        ):
            self.rpc(self.user_agent, "cs.property.rework", "action_acknowledge", order.ids)
        self.assertEqual(order.state, "issued")
        self.assertFalse(order.acknowledged_at)
        order.acknowledgement_signature = PIXEL
        self.assertTrue(
            self.rpc(self.user_agent, "cs.property.rework", "action_acknowledge", order.ids)
        )
        self.assertEqual(order.state, "acknowledged")

    def test_sla_starts_at_issue(self):
        with freeze_time(datetime(2026, 3, 2, 1, 0)):
            order = self._order()
            self.assertFalse(order.sla_line_ids)
        with freeze_time(datetime(2026, 3, 4, 1, 0)):
            self.rpc(self.user_agent, "cs.property.rework", "action_issue", order.ids)
        lines = order.sla_line_ids
        self.assertEqual(len(lines), 2)
        self.assertEqual(set(lines.mapped("date_start")), {datetime(2026, 3, 4, 1, 0)})
        self.assertEqual(set(lines.mapped("status")), {"running"})
        # a refused issue starts nothing
        empty = self.env["cs.property.rework"].create(
            {"estate_id": self.estate_a.id, "unit_id": self.unit_a101.id}
        )
        with self.assertRefused(UserError, "list the defects"):
            self.rpc(self.user_agent, "cs.property.rework", "action_issue", empty.ids)
        self.assertFalse(empty.sla_line_ids)

    def test_migration_drops_clocks_of_drafts(self):
        draft = self._order()
        issued = self._order()
        issued.action_issue()
        # an older install started the clocks of drafts on creation
        self.env["cs.property.sla.line"]._create_for(draft)
        self.assertTrue(draft.sla_line_ids)
        path = f"{get_module_path('cs_property')}/migrations/19.0.1.2.0/h15ops.py"
        module = load_script(path, "cs_property_migrate_19_0_1_2_0_h15ops")
        # the demo's drafts of an older install too, if any
        self.assertGreaterEqual(module.drop_draft_rework_clocks(self.env), 2)
        draft.invalidate_recordset()
        self.assertFalse(draft.sla_line_ids)
        self.assertEqual(len(issued.sla_line_ids), 2)
        self.assertEqual(module.drop_draft_rework_clocks(self.env), 0)
        # the first issue starts them again
        draft.action_issue()
        self.assertEqual(len(draft.sla_line_ids), 2)
        module.migrate(self.env.cr, "19.0.1.1.0")


class TestEscalationLanguage(HandoverOpsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.user_manager.lang = "zh_CN"
        cls.estate_a.user_ids = [Command.link(cls.user_manager.id)]

    def _issued(self):
        order = self._order()
        order.action_issue()
        return order

    def assertChinese(self, text, name):
        rest = text.replace(name, "")
        self.assertNotRegex(rest, "[A-Za-z]", text)

    def test_dispute_escalated_in_managers_language(self):
        order = self._issued()
        order.write({"dispute_memo": "开发商认为属业主装修造成", "dispute_signature": PIXEL})
        # the agent works in English; the manager reads Chinese
        self.rpc(self.user_agent, "cs.property.rework", "action_dispute", order.ids)
        activity = order._activity_open("escalation")
        self.assertEqual(activity.user_id, self.user_manager)
        self.assertEqual(activity.summary, f"返修单 {order.name} 已上报：开发商有异议")
        note = order.message_ids.filtered(lambda m: "已上报经理" in (m.body or ""))
        self.assertTrue(note)
        self.assertChinese(re.sub("<[^>]+>", "", note[0].body), order.name)

    def test_cron_escalation_in_managers_language(self):
        order = self._issued()
        order.write(
            {
                "acknowledged_by": "李工",
                "acknowledgement_signature": PIXEL,
                "promised_date": date.today() + timedelta(days=1),
            }
        )
        order.action_acknowledge()
        order.sudo().write({"dispute_memo": "x"})
        order.sudo().is_disputed = True
        with freeze_time(date.today() + timedelta(days=5)):
            self.env["cs.property.rework"].with_context(lang="en_US")._cron_escalate()
        summary = order._activity_open("escalation").summary
        self.assertTrue(summary.startswith(f"返修单 {order.name} 已上报："), summary)
        self.assertIn("开发商有异议", summary)
        self.assertChinese(summary, order.name)
