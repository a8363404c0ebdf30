import logging
import time

from odoo import SUPERUSER_ID, Command, api
from odoo.modules.registry import Registry
from odoo.tests import HttpCase, get_db_name, tagged

_logger = logging.getLogger(__name__)

COMPLAINTS = "/odoo/action-cs_property.action_cs_property_complaint"
REPAIRS = "/odoo/action-cs_property.action_cs_property_repair"
MY_ORDERS = "/odoo/action-cs_property.action_cs_property_repair_mine"
# A busy machine renders slowly: give each tour room, the steps still wait on the DOM.
TOUR_TIMEOUT = 240
# Bundles the browser (web client, tours) and wkhtmltopdf (reports) load.
ASSET_BUNDLES = (
    "web.assets_web",
    "web.assets_web_print",
    "web.assets_tests",
    "web.report_assets_common",
    "web.report_assets_pdf",
)


def warm_asset_bundles():
    """Build the asset bundles once, committed, before a test transaction
    starts: inside it every test would build them again (tens of seconds on
    a busy machine, holding the test cursor the browser waits for) and roll
    them back. Production builds and keeps them the same way."""
    with Registry(get_db_name()).cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        for name in ASSET_BUNDLES:
            bundle = env["ir.qweb"]._get_asset_bundle(name)
            if bundle.javascripts:
                bundle.js()
            if bundle.stylesheets:
                bundle.css()


class BrowserCase(HttpCase):
    """HTTP tests whose browser or PDF printer loads the web assets."""

    # the browser's first requests wait for the test cursor while a slow
    # machine renders the previous one
    test_cursor_lock_timeout = 120

    @classmethod
    def setUpClass(cls):
        warm_asset_bundles()
        super().setUpClass()


class TourCase(BrowserCase):
    """The demo estate 翠湖花园 with its staff, working in Chinese; unit 9901
    and its owner 导览业主 are the tours' own."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.estate = env.ref("cs_property.demo_estate_cuihu", raise_if_not_found=False)
        if not cls.estate:
            return
        env["res.lang"]._activate_lang("zh_CN")
        env["ir.module.module"]._load_module_terms(["cs_property"], ["zh_CN"])
        cls.agent = env.ref("cs_property.demo_user_agent")
        cls.manager = env.ref("cs_property.demo_user_manager")
        cls.technician = env.ref("cs_property.demo_user_tech_1")
        (cls.agent | cls.manager | cls.technician).write({"lang": "zh_CN"})
        cls.unit = env["cs.property.unit"].create(
            {
                "building_id": env.ref("cs_property.demo_building_1").id,
                "name": "9901",
                "floor": 9,
                "gross_area": 88.0,
            }
        )
        cls.owner = env["res.partner"].create({"name": "导览业主", "phone": "13900009901"})
        env["cs.property.occupancy"].create(
            {
                "unit_id": cls.unit.id,
                "partner_id": cls.owner.id,
                "role": "owner",
                "date_start": "2024-01-01",
                "is_primary_contact": True,
            }
        )
        tax = env["account.tax"].create(
            {"name": "VAT 6% tour", "amount": 6, "type_tax_use": "sale"}
        )
        product = env["product.product"].create(
            {
                "name": "导览上门维修费",
                "type": "service",
                "list_price": 80.0,
                "taxes_id": [Command.set(tax.ids)],
            }
        )
        cls.category = env["cs.property.repair.category"].create(
            {"name": "导览维修", "warranty_months": 0, "product_id": product.id}
        )

    def setUp(self):
        super().setUp()
        if not self.estate:
            self.skipTest("the tours walk the demo estate: database without demo data")

    def _tour(self, url, name, login):
        started = time.perf_counter()
        self.start_tour(url, name, login=login, timeout=TOUR_TIMEOUT)
        _logger.info("tour %s: %.1f s", name, time.perf_counter() - started)

    def _dispatched_order(self):
        order = self.env["cs.property.repair"].create(
            {
                "estate_id": self.estate.id,
                "unit_id": self.unit.id,
                "partner_id": self.owner.id,
                "category_id": self.category.id,
                "description": "导览：厨房水龙头漏水",
                "team_id": self.env.ref("cs_property.demo_team_eng").id,
                "technician_id": self.technician.id,
                "line_ids": [Command.create({"product_id": self.category.product_id.id})],
            }
        )
        order.with_user(self.agent).action_consent_given()
        order.with_user(self.agent).action_dispatch()
        return order


@tagged("post_install", "-at_install")
class TestAgentTours(TourCase):
    def test_complaint_from_reception_to_closing(self):
        self._tour(f"{COMPLAINTS}/new", "cs_property_complaint_reception", "cs_agent")
        complaint = self.env["cs.property.complaint"].search([("unit_id", "=", self.unit.id)])
        self.assertEqual(len(complaint), 1)
        self.assertEqual(complaint.state, "proposed")
        self.assertEqual(complaint.partner_id, self.owner)
        self.assertEqual(complaint.receiver_id, self.agent)
        self.assertEqual(complaint.proposed_by_id, self.agent)
        self.assertTrue(complaint.deadline)
        # the supervisor approves (never the proposer)
        self._tour(f"{COMPLAINTS}/{complaint.id}", "cs_property_complaint_approval", "cs_manager")
        self.assertEqual(complaint.state, "approved")
        self.assertEqual(complaint.approved_by_id, self.manager)
        self._tour(f"{COMPLAINTS}/{complaint.id}", "cs_property_complaint_closing", "cs_agent")
        self.assertEqual(complaint.state, "closed")
        self.assertEqual(complaint.acceptance_method, "phone")
        self.assertEqual(complaint.callback_ids.satisfaction, "satisfied")

    def test_paid_service_order_from_reception_to_invoice(self):
        self._tour(f"{REPAIRS}/new", "cs_property_repair_reception", "cs_agent")
        order = self.env["cs.property.repair"].search([("unit_id", "=", self.unit.id)])
        self.assertEqual(len(order), 1)
        self.assertEqual(order.state, "dispatched")
        self.assertEqual(order.charge_to, "customer")
        self.assertEqual(order.consent_state, "given")
        self.assertEqual(order.line_ids.product_id, self.category.product_id)
        self.assertTrue(order.technician_id)
        # the technician's part (its own phone tour is below)
        worker = order.with_user(order.technician_id)
        worker.action_arrive()
        worker.customer_comment = "修好了"
        worker.action_done()
        self._tour(f"{REPAIRS}/{order.id}", "cs_property_repair_invoice", "cs_agent")
        self.assertTrue(order.invoice_id)
        self.assertEqual(order.invoice_id.partner_id, self.owner)
        self.assertAlmostEqual(order.invoice_id.amount_total, 84.80)


@tagged("post_install", "-at_install")
class TestTechnicianPhoneTour(TourCase):
    browser_size = "390x844"
    touch_enabled = True

    def test_technician_phone_flow(self):
        order = self._dispatched_order()
        self._tour(MY_ORDERS, "cs_property_technician_phone", "tech_liu")
        self.assertEqual(order.state, "done")
        self.assertEqual(order.customer_comment, "修好了，满意")
        self.assertTrue(order.arrived_at)
