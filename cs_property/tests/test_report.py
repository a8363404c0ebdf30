import io
import unicodedata
import unittest
from datetime import date, timedelta

from odoo import Command
from odoo.tests import tagged
from odoo.tools.pdf import PdfFileReader

from .renovation_common import RenovationCase
from .test_charge_arrears import ArrearsCase
from .test_complaint import ComplaintCase
from .test_repair import RepairCase
from .test_tour import BrowserCase


class PdfMixin:
    """Render for real with the system's wkhtmltopdf (Odoo renders HTML in
    tests unless forced), through the test HTTP server for the assets."""

    def _pdf(self, report_ref, records):
        try:
            pdf, report_type = (
                self.env["ir.actions.report"]
                .with_context(force_report_rendering=True)
                ._render_qweb_pdf(report_ref, records.ids)
            )
        except unittest.SkipTest as skipped:
            # Odoo skips, in tests, what the distributions' wkhtmltopdf cannot
            # print (several documents in one call): for us that is a failure
            self.fail(f"{report_ref} does not print with this wkhtmltopdf: {skipped}")
        self.assertEqual(report_type, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"), f"{report_ref} did not produce a PDF")
        reader = PdfFileReader(io.BytesIO(pdf))
        # one space between words, whatever wkhtmltopdf used (tabs, breaks);
        # NFKC: CJK fonts map some glyphs to Kangxi radicals (⽔ for 水)
        return [
            " ".join(unicodedata.normalize("NFKC", page.extract_text()).split())
            for page in reader.pages
        ]


@tagged("post_install", "-at_install")
class TestServiceOrderPdf(PdfMixin, RepairCase, BrowserCase):
    def test_four_copies_per_order_with_header_and_totals(self):
        first = self._paid_done()
        second = self._paid_done(unit_id=self.unit_a102.id)
        self.env.company.write({"name": "翠湖物业服务有限公司", "phone": "0755-88886666"})
        pages = self._pdf("cs_property.report_repair", first | second)
        # one document, four copies of each order, one page per copy
        self.assertEqual(len(pages), 8)
        for index, order in enumerate(first | second):
            order_pages = pages[index * 4 : index * 4 + 4]
            for number, page in enumerate(order_pages, start=1):
                self.assertIn(order.name, page)
                self.assertIn(f"Copy {number}", page)
                self.assertIn("0755-88886666", page, "company header on every copy")
        # totals from the lines' taxes, as the invoice will compute them
        # unblock + 1.5 h labour at list price, 6 % VAT
        untaxed = sum(first.line_ids.mapped("price_subtotal"))
        total = sum(first.line_ids.mapped("price_total"))
        self.assertGreater(total, untaxed)
        first.with_user(self.user_agent).action_create_invoice()
        invoice = first.invoice_id
        self.assertAlmostEqual(invoice.amount_untaxed, untaxed)
        self.assertAlmostEqual(invoice.amount_total, total)
        currency = first.company_id.currency_id.symbol
        for page in pages[:4]:
            self.assertIn(f"Untaxed Amount {currency} {untaxed:,.2f}", page)
            self.assertIn(f"VAT 6% services {currency} {total - untaxed:,.2f}", page)
            self.assertIn(f"Total {currency} {total:,.2f}", page)

    def test_chinese_print(self):
        """Staff print in Chinese: translated labels, Chinese glyphs as text."""
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["cs_property"], ["zh_CN"], overwrite=True)
        order = self._paid_done()
        self.env = self.env(context=dict(self.env.context, lang="zh_CN"))
        pages = self._pdf("cs_property.report_repair", order)
        self.assertEqual(len(pages), 4)
        # (text is NFKC-normalised: full-width colons read as ":")
        self.assertIn("第一联:客服中心", pages[0])
        self.assertIn("第四联:", pages[3])
        self.assertIn("厨房下水道堵塞", pages[0])

    def test_totals_follow_the_taxes_of_each_line(self):
        order = self._paid_done()
        exempt = self.env["account.tax"].create(
            {"name": "Exempt", "amount": 0, "type_tax_use": "sale"}
        )
        order.sudo().line_ids[1:].tax_ids = exempt
        totals = self.env["report.cs_property.report_repair"]._totals(order)
        self.assertEqual(totals["currency"], order.company_id.currency_id)
        self.assertEqual(totals["untaxed"], order.amount_untaxed)
        self.assertAlmostEqual(totals["total"], order.amount_total)
        taxes = dict(totals["taxes"])
        self.assertAlmostEqual(taxes["VAT 6% services"], order.line_ids[0].price_subtotal * 0.06)
        self.assertEqual(taxes["Exempt"], 0.0)
        self.assertFalse(
            self.env["report.cs_property.report_repair"]._totals(self._order())["taxes"]
        )


@tagged("post_install", "-at_install")
class TestComplaintPdf(PdfMixin, ComplaintCase, BrowserCase):
    def test_handling_form_pdf(self):
        complaints = self._resolved() | self._resolved()
        pages = self._pdf("cs_property.report_complaint", complaints)
        self.assertGreaterEqual(len(pages), 2)
        text = "\n".join(pages)
        for complaint in complaints:
            self.assertIn(complaint.name, text)
        self.assertIn("Replace the seal", text)


@tagged("post_install", "-at_install")
class TestEveryReportPrints(PdfMixin, RenovationCase, ArrearsCase, BrowserCase):
    """Every PDF report of the add-on prints two records in one call, on
    records the test makes (one each, the other from demo data when there is
    any): a print that breaks on a second record or on empty fields fails
    here, with or without demo data."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # inside the developer's warranty, so rework items can be recorded
        cls.building_a1.write(
            {
                "developer_id": cls.developer.id,
                "completion_date": date.today() - timedelta(days=365),
            }
        )

    @classmethod
    def _occupy(cls, unit, partner, role="owner", **vals):
        # the renovation and the charge cases both record the owner of A101
        existing = cls.env["cs.property.occupancy"].search(
            [("unit_id", "=", unit.id), ("partner_id", "=", partner.id), ("role", "=", role)]
        )
        return existing or super()._occupy(unit, partner, role=role, **vals)

    def _unmade(self, records):
        """The first of ``records`` not printed yet."""
        return (records - self.made.get(records._name, records.browse()))[:1]

    def _charges_billed(self):
        """Estate A billed twice (once): January unpaid for 250 days, so its
        payers reach the demand letter, and February, invoiced 10 days ago;
        one collection row per invoice month."""
        if not getattr(self, "_charge_runs", None):
            self._charge_runs = self._bill_ago("2026-01-01", 250) | self._bill_ago("2026-02-01", 10)
            self.env["cs.property.arrears.followup"]._cron_apply_ladder()
        return self._charge_runs

    def _new_unit(self):
        self._charges_billed()
        return self._unmade(self.unit_a101 | self.unit_a102)

    def _new_followup(self):
        self._charges_billed()
        return self._unmade(
            self.env["cs.property.arrears.followup"].search(
                [("estate_id", "=", self.estate_a.id)], order="id"
            )
        )

    def _new_collection(self):
        self._charges_billed()
        return self._unmade(
            self.env["cs.property.charge.collection"].search([("estate_id", "=", self.estate_a.id)])
        )

    def _new_complaint(self):
        return self.env["cs.property.complaint"].create(
            {
                "estate_id": self.estate_a.id,
                "partner_id": self.owner.id,
                "unit_id": self.unit_a101.id,
                "complaint_type": "engineering",
                "category_id": self.env.ref("cs_property.complaint_category_leak").id,
                "description": "<p>卫生间漏水到楼下</p>",
            }
        )

    def _new_repair(self):
        return self.env["cs.property.repair"].create(
            {
                "estate_id": self.estate_a.id,
                "unit_id": self.unit_a101.id,
                "partner_id": self.owner.id,
                "category_id": self.env.ref("cs_property.repair_category_plumbing").id,
                "description": "厨房下水道堵塞",
            }
        )

    def _new_handover(self):
        Handover = self.env["cs.property.handover"]
        unit = self.unit_a102
        if Handover.search_count([("unit_id", "=", unit.id)]):
            unit = self.unit_a201
        return Handover.create(
            {
                "estate_id": self.estate_a.id,
                "unit_id": unit.id,
                "partner_id": self.owner_2.id,
                "template_id": self.env.ref("cs_property.handover_template_residential").id,
            }
        )

    def _new_estate(self):
        used = self.made.get("cs.property.estate", self.env["cs.property.estate"])
        return ((self.estate_a | self.estate_b) - used)[:1]

    def _new_nonconformity(self):
        return self.env["cs.property.nonconformity"].create(
            {
                "estate_id": self.estate_a.id,
                "service": "cleaning",
                "area": "大堂",
                "item": "地面",
                "description": "地面有垃圾",
                "team_id": self.team.id,
            }
        )

    def _works(self):
        """The test's renovation in works on A101 (made once)."""
        works = self.env["cs.property.renovation"].search(
            [("unit_id", "=", self.unit_a101.id), ("state", "=", "works")], limit=1
        )
        return works or self._in_works()

    def _new_renovation(self):
        works = self._works()
        if works in self.made.get("cs.property.renovation", works.browse()):
            # a second one: an application on another unit, not yet approved
            return self._reno(unit=self.unit_a102)
        return works

    def _new_violation(self):
        return self._violation(self._works())

    def _new_passes(self):
        return self.env["cs.property.renovation.pass"].create(
            [
                {"renovation_id": self._works().id, "worker_name": name, "id_number": number}
                for name, number in (("刘师傅", "110101199001011234"), ("王师傅", "1"))
            ]
        )

    def _new_rework_line(self):
        rework = self.env["cs.property.rework"].create(
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
        return rework.line_ids

    def test_every_report_of_the_addon_prints(self):
        """Reports added later are printed too: give their model a maker
        here unless demo data always has two records of it."""
        makers = {
            "cs.property.complaint": self._new_complaint,
            "cs.property.repair": self._new_repair,
            "cs.property.handover": self._new_handover,
            "cs.property.estate": self._new_estate,
            "cs.property.nonconformity": self._new_nonconformity,
            "cs.property.renovation": self._new_renovation,
            "cs.property.renovation.violation": self._new_violation,
            "cs.property.renovation.pass": self._new_passes,
            "cs.property.rework.line": self._new_rework_line,
            "cs.property.unit": self._new_unit,
            "cs.property.arrears.followup": self._new_followup,
            "cs.property.charge.collection": self._new_collection,
        }
        reports = self.env["ir.actions.report"].search(
            [("report_name", "=like", "cs_property.%"), ("report_type", "=", "qweb-pdf")]
        )
        self.assertGreaterEqual(len(reports), 2)
        self.made = made = {}
        for report in reports:
            Model = self.env[report.model]
            maker = makers.get(report.model)
            if maker and report.model not in made:
                made[report.model] = maker()
            records = made.get(report.model, Model)
            if len(records) < 2:
                records |= Model.search([("id", "not in", records.ids)], limit=2 - len(records))
            if maker and len(records) < 2:
                made[report.model] |= maker()
                records = made[report.model]
            with self.subTest(report=report.report_name):
                self.assertEqual(
                    len(records), 2, f"{report.report_name}: no two {report.model} to print"
                )
                self.assertTrue(self._pdf(report.report_name, records))
