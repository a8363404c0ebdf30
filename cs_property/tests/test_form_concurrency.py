"""Forms under load, in two real, concurrent transactions (two cursors of the
registry, outside the test transaction): what they commit is real, so each
test deletes it at the end."""

import threading
import time
from contextlib import contextmanager
from unittest.mock import patch

from odoo import Command, api
from odoo.addons.base.models.ir_model import MODULE_UNINSTALL_FLAG
from odoo.addons.cs_property.models.ir_sequence import NUMBERING_LOCK
from odoo.exceptions import UserError
from odoo.modules.registry import Registry
from odoo.service.model import MAX_TRIES_ON_CONCURRENCY_FAILURE, retrying
from odoo.tests import BaseCase, get_db_name


class _TwoTransactions(BaseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = Registry(get_db_name())

    @contextmanager
    def _env(self, user="base.user_admin"):
        """A committed transaction of its own."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            yield env(user=env.ref(user))

    def _thread(self, target, state, name=None):
        def run():
            try:
                target()
            except Exception as exc:  # reported by the test
                state["errors"].append(exc)

        thread = threading.Thread(target=run, name=name)
        thread.start()
        return thread

    def _setup_estate(self, tag):
        with self._env() as env:
            su = env(su=True)
            estate = su["cs.property.estate"].create({"name": f"Load {tag}", "code": tag})
            building = su["cs.property.building"].create(
                {"estate_id": estate.id, "name": "1栋", "completion_date": "2020-01-01"}
            )
            unit = su["cs.property.unit"].create(
                {"building_id": building.id, "name": "101", "gross_area": 90.5}
            )
            partner = su["res.partner"].create({"name": f"业主 {tag}"})
            self.estate_id, self.unit_id, self.partner_id = estate.id, unit.id, partner.id
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        """Test data, not history: the guards are skipped as an uninstallation does."""
        with self._env() as env:
            su = env(su=True, context={**env.context, MODULE_UNINSTALL_FLAG: True})
            estate = su["cs.property.estate"].browse(self.estate_id)
            for model in ("cs.property.complaint", "cs.property.repair"):
                su[model].search([("estate_id", "=", estate.id)]).unlink()
            su["cs.property.team"].search([("estate_id", "=", estate.id)]).unlink()
            su["cs.property.unit"].search([("estate_id", "=", estate.id)]).unlink()
            su["cs.property.building"].search([("estate_id", "=", estate.id)]).unlink()
            estate.unlink()
            self._cleanup_more(su)
            su["res.partner"].browse(self.partner_id).unlink()

    def _cleanup_more(self, su):
        pass


class TestNumberingUnderContention(_TwoTransactions):
    """The gap-free number is drawn in the last step of a creation: the
    sequence row is locked only from there to the commit, so another desk's
    form is written meanwhile and waits (retries) only for its number."""

    def setUp(self):
        super().setUp()
        self._setup_estate(f"NB{int(time.time() * 1000) % 10**8}")
        with self._env() as env:
            self.sequence = (
                env["ir.sequence"]
                .sudo()
                .search([("code", "=", "cs.property.complaint")], order="company_id", limit=1)
            )
            self.number_before = self.sequence.number_next_actual
            team = (
                env["cs.property.team"]
                .sudo()
                .create(
                    {
                        "estate_id": self.estate_id,
                        "name": "客服组",
                        "team_type": "customer_service",
                        "leader_id": env.ref("base.user_admin").id,
                    }
                )
            )
            self.team_id = team.id

    def _cleanup_more(self, su):
        # the numbers drawn by the test are given back (nothing else numbered since)
        su.cr.execute(
            "DELETE FROM cs_property_sequence_number WHERE sequence_id = %s AND next_number > %s",
            [self.sequence.id, self.number_before],
        )

    def _vals(self, text):
        return {
            "estate_id": self.estate_id,
            "unit_id": self.unit_id,
            "partner_id": self.partner_id,
            "team_id": self.team_id,
            "complaint_type": "engineering",
            "description": f"<p>{text}</p>",
        }

    def _sequence_locked(self):
        """Whether another transaction holds the numbering (a third cursor asks)."""
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT pg_try_advisory_xact_lock(%s, %s)", [NUMBERING_LOCK, self.sequence.id]
            )
            return not cr.fetchone()[0]

    def _waiting_for_lock(self, pid):
        with self.registry.cursor() as cr:
            cr.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
            row = cr.fetchone()
        return bool(row) and row[0] == "Lock"

    def test_lock_taken_by_the_last_step_only(self):
        Complaint = self.registry["cs.property.complaint"]
        assign = Complaint._ticket_assign_numbers
        a_numbered, a_may_commit = threading.Event(), threading.Event()
        state = {"errors": [], "b_attempts": 0, "b_before": [], "a": {}}

        def assign_numbers(records):
            if not records:
                return assign(records)
            written = {
                "sla": bool(records.sla_line_ids),
                "activity": bool(records._activity_open("assess")),
                "follower": bool(records.message_partner_ids),
                "locked_by_other": self._sequence_locked(),
            }
            if threading.current_thread().name == "A":
                state["a"]["before"] = written
                result = assign(records)
                state["a"]["locked_after"] = self._sequence_locked()
                return result
            state["b_before"].append(written)
            return assign(records)

        def create_a():
            with self._env() as env:
                state["a"]["name"] = env["cs.property.complaint"].create(self._vals("A")).name
                a_numbered.set()
                a_may_commit.wait(60)

        def create_b():
            with self._env() as env:
                state["b_pid"] = env.cr._cnx.get_backend_pid()

                def create():
                    state["b_attempts"] += 1
                    return env["cs.property.complaint"].create(self._vals("B")).name

                state["b_name"] = retrying(create, env)

        with patch.object(Complaint, "_ticket_assign_numbers", assign_numbers):
            thread_a = self._thread(create_a, state, "A")
            self.assertTrue(a_numbered.wait(60), state["errors"])
            thread_b = self._thread(create_b, state, "B")
            waited = False
            for _i in range(600):
                if "b_pid" in state and self._waiting_for_lock(state["b_pid"]):
                    waited = True
                    break
                time.sleep(0.05)
            a_may_commit.set()
            thread_a.join(60)
            thread_b.join(60)
        self.assertFalse(state["errors"])
        # A wrote its form, SLA clocks, activity and followers with the numbering free
        self.assertEqual(
            state["a"]["before"],
            {"sla": True, "activity": True, "follower": True, "locked_by_other": False},
        )
        self.assertTrue(state["a"]["locked_after"], "the number locks the numbering")
        # B wrote all of its form while A held the numbering, then waited for
        # A's commit for its number only: no failure, no retry of the request
        self.assertTrue(waited, "B never waited for A's numbering")
        self.assertEqual(
            state["b_before"],
            [{"sla": True, "activity": True, "follower": True, "locked_by_other": True}],
        )
        self.assertEqual(state["b_attempts"], 1)
        numbers = [int(state["a"]["name"][-5:]), int(state["b_name"][-5:])]
        self.assertEqual(numbers[1], numbers[0] + 1, "gap-free")
        with self._env() as env:
            complaints = env["cs.property.complaint"].search([("estate_id", "=", self.estate_id)])
            names = sorted(complaints.mapped("name"))
            self.assertEqual(names, [state["a"]["name"], state["b_name"]])
            activity = complaints.filtered(lambda c: c.name == state["b_name"])._activity_open(
                "assess"
            )
            self.assertIn(state["b_name"], activity.summary)
            self.assertEqual(activity.res_name, state["b_name"])

    def test_rolled_back_number_is_drawn_again(self):
        with self._env() as env:
            first = env["cs.property.complaint"].create(self._vals("A")).name
            env.cr.rollback()
        with self._env() as env:
            again = env["cs.property.complaint"].create(self._vals("B")).name
        self.assertEqual(again, first, "no gap left by a form that was not saved")

    def test_last_try_says_numbering_is_busy(self):
        """The last try of a request that still finds the number locked ends
        with a business message and saves nothing, not with a traceback."""
        a_numbered, a_may_commit = threading.Event(), threading.Event()
        state = {"errors": []}

        def create_a():
            with self._env() as env:
                env["cs.property.complaint"].create(self._vals("A"))
                a_numbered.set()
                a_may_commit.wait(60)

        thread_a = self._thread(create_a, state)
        try:
            self.assertTrue(a_numbered.wait(60))
            Sequence = self.registry["ir.sequence"]
            with (
                self._env() as env,
                patch.object(Sequence, "_cs_numbering_wait", "300ms"),
            ):
                env.cr._cs_numbering_busy = MAX_TRIES_ON_CONCURRENCY_FAILURE - 1
                with self.assertRaisesRegex(UserError, "Numbering is busy"):
                    env["cs.property.complaint"].create(self._vals("B"))
                env.cr.rollback()
        finally:
            a_may_commit.set()
            thread_a.join(60)
        self.assertFalse(state["errors"])
        with self._env() as env:
            complaints = env["cs.property.complaint"].search([("estate_id", "=", self.estate_id)])
            self.assertEqual(len(complaints), 1, "B saved nothing")


class TestArrivalAgainstDispatch(_TwoTransactions):
    """A technician arrives on site (order X) while a dispatcher dispatches
    order Y to the team: the arrival touches the team-member rows the
    rotation locks, so the dispatch retries on fresh data and skips the
    technician now on site."""

    def setUp(self):
        super().setUp()
        tag = f"AD{int(time.time() * 1000) % 10**8}"
        self._setup_estate(tag)
        with self._env() as env:
            su = env(su=True)
            self.sequence = su["ir.sequence"].search(
                [("code", "=", "cs.property.repair")], order="company_id", limit=1
            )
            self.number_before = self.sequence.number_next_actual
            group = env.ref("cs_property.group_property_technician")
            self.tech_ids = (
                su["res.users"]
                .create(
                    [
                        {
                            "name": f"师傅 {tag} {i}",
                            "login": f"{tag.lower()}-{i}",
                            "group_ids": [Command.link(group.id)],
                        }
                        for i in (1, 2)
                    ]
                )
                .ids
            )
            plumbing = env.ref("cs_property.repair_category_plumbing")
            team = su["cs.property.team"].create(
                {
                    "estate_id": self.estate_id,
                    "name": "工程组",
                    "team_type": "engineering",
                    "leader_id": env.ref("base.user_admin").id,
                    "member_ids": [
                        Command.create(
                            {
                                "user_id": uid,
                                "last_dispatch_turn": turn,
                                "skill_ids": [Command.link(plumbing.skill_id.id)],
                            }
                        )
                        for uid, turn in zip(self.tech_ids, (1, 5), strict=True)
                    ],
                }
            )
            Repair = env["cs.property.repair"]
            common = {
                "estate_id": self.estate_id,
                "unit_id": self.unit_id,
                "partner_id": self.partner_id,
                "category_id": plumbing.id,
                "team_id": team.id,
                "charge_to": "none",
                "description": "漏水",
            }
            order_x = Repair.create({**common, "technician_id": self.tech_ids[0]})
            order_x.action_dispatch()
            order_y = Repair.create(common)
            self.order_ids = (order_x.id, order_y.id)

    def _cleanup_more(self, su):
        # the numbers of the deleted test orders are given back: no gap left
        su.cr.execute(
            "DELETE FROM cs_property_sequence_number WHERE sequence_id = %s AND next_number > %s",
            [self.sequence.id, self.number_before],
        )
        users = su["res.users"].browse(self.tech_ids).exists()
        partners = users.partner_id
        users.unlink()
        partners.unlink()

    def test_dispatch_retries_and_skips_the_technician_on_site(self):
        a_arrived, a_may_commit = threading.Event(), threading.Event()
        state = {"errors": [], "b_attempts": 0}

        def arrive():
            with self._env() as env:
                env["cs.property.repair"].browse(self.order_ids[0]).action_arrive()
                env.flush_all()
                a_arrived.set()
                a_may_commit.wait(60)

        def dispatch():
            with self._env() as env:
                state["b_pid"] = env.cr._cnx.get_backend_pid()
                order = env["cs.property.repair"].browse(self.order_ids[1])
                # B's snapshot predates the arrival's commit
                env.cr.execute("SELECT 1")

                def run():
                    state["b_attempts"] += 1
                    return order.action_dispatch()

                retrying(run, env)
                state["technician"] = order.technician_id.id

        thread_a = self._thread(arrive, state)
        self.assertTrue(a_arrived.wait(60), state["errors"])
        thread_b = self._thread(dispatch, state)
        blocked = False
        for _i in range(300):
            if "b_pid" in state and self._waiting_for_lock(state["b_pid"]):
                blocked = True
                break
            time.sleep(0.05)
        a_may_commit.set()
        thread_a.join(60)
        thread_b.join(60)
        self.assertFalse(state["errors"])
        self.assertTrue(blocked, "the dispatch never waited for the arrival")
        self.assertGreaterEqual(state["b_attempts"], 2, "the dispatch retried on fresh data")
        self.assertEqual(state["technician"], self.tech_ids[1], "not the technician on site")

    def _waiting_for_lock(self, pid):
        with self.registry.cursor() as cr:
            cr.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
            row = cr.fetchone()
        return bool(row) and row[0] == "Lock"
