import io
import unicodedata
import unittest

from odoo.tests import tagged
from odoo.tools.pdf import PdfFileReader

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

    def test_every_report_of_the_addon_prints(self):
        """Reports added later are printed too, on whatever records exist."""
        reports = self.env["ir.actions.report"].search(
            [("report_name", "=like", "cs_property.%"), ("report_type", "=", "qweb-pdf")]
        )
        self.assertGreaterEqual(len(reports), 2)
        self._resolved()
        for report in reports:
            records = self.env[report.model].search([], limit=2)
            if not records:
                continue
            with self.subTest(report=report.report_name):
                self.assertTrue(self._pdf(report.report_name, records))
