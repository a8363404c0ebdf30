from pathlib import Path

import polib

from odoo.tests import TransactionCase
from odoo.tools.translate import TranslationModuleReader

PO_FILE = Path(__file__).resolve().parent.parent / "i18n" / "zh_CN.po"


class TestTranslations(TransactionCase):
    def test_every_term_has_a_zh_cn_translation(self):
        """Users read Chinese: no term of the add-on may reach them in English."""
        self.env["res.lang"]._activate_lang("zh_CN")
        terms = {
            source
            for _module, _type, _name, _res_id, source, _value, _comments in (
                TranslationModuleReader(self.env.cr, ["cs_property"], lang="zh_CN")
            )
            if source.strip()
        }
        self.assertGreater(len(terms), 100, "the term extraction found nothing to check")
        po = polib.pofile(str(PO_FILE))
        translated = {entry.msgid for entry in po if entry.msgstr.strip() and not entry.obsolete}
        missing = sorted(terms - translated)
        self.assertFalse(
            missing,
            f"{len(missing)} terms lack a zh_CN translation in {PO_FILE.name}, e.g. {missing[:10]}",
        )

    def test_translations_are_loaded(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["cs_property"], ["zh_CN"], overwrite=True)
        estate_model = self.env["ir.model"]._get("cs.property.estate")
        self.assertEqual(estate_model.with_context(lang="zh_CN").name, "小区")
        skill = self.env.ref("cs_property.skill_plumbing").with_context(lang="zh_CN")
        self.assertEqual(skill.name, "水暖")
