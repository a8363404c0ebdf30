"""The upgrade steps that run at every version change (migrations/0.0.0) and
the dispatcher of 19.0.1.2.0. The upgrade itself is tested by the harness
(tools/harness.sh upgrade: the previous release upgraded to this code)."""

from pathlib import Path

from odoo.modules.module import get_module_path, load_script

from .common import CsPropertyCase

DEMO_FILES = [
    "demo/cs_property_users_demo.xml",  # functions: language activation
    "demo/cs_property_renovation_demo.xml",  # functions: workflow steps
    "demo/cs_property_estate_demo.xml",  # records only
]


class TestUpgradeSteps(CsPropertyCase):
    @classmethod
    def _script(cls, folder, name):
        path = f"{get_module_path('cs_property')}/migrations/{folder}/{name}"
        return load_script(path, f"cs_property_test_{folder}_{name}".replace(".", "_"))

    def _set_demo(self, flag):
        self.env.cr.execute(
            "UPDATE ir_module_module SET demo = %s WHERE name = 'cs_property'", [flag]
        )

    def _zh_active(self):
        self.env.cr.execute("SELECT active FROM res_lang WHERE code = 'zh_CN'")
        return self.env.cr.fetchone()[0]

    def _deactivate_zh(self):
        # as an administrator who switched the language off (users keep it set)
        self.env.flush_all()
        self.env.cr.execute("UPDATE res_lang SET active = false WHERE code = 'zh_CN'")
        self.env.invalidate_all()
        self.env.registry.clear_cache()

    def test_demo_language_is_activated_again_on_an_upgrade(self):
        step = self._script("0.0.0", "pre-demo-language.py")
        self._set_demo(True)
        self._deactivate_zh()
        step.migrate(self.env.cr, "19.0.1.1.0")
        self.assertTrue(self._zh_active())
        self.assertEqual(self.env["res.lang"]._get_data(code="zh_CN").code, "zh_CN")

    def test_demo_language_left_alone_without_demo_or_at_install(self):
        step = self._script("0.0.0", "pre-demo-language.py")
        self._set_demo(False)
        self._deactivate_zh()
        step.migrate(self.env.cr, "19.0.1.1.0")
        self.assertFalse(self._zh_active(), "a database without demo keeps its languages")
        self._set_demo(True)
        step.migrate(self.env.cr, None)
        self.assertFalse(self._zh_active(), "nothing at install (no version yet)")

    def test_new_demo_files_are_those_whose_records_this_upgrade_created(self):
        step = self._script("0.0.0", "post-demo-files.py")
        self.assertEqual(step.new_demo_files(self.env.cr, DEMO_FILES), [], "all loaded before")
        # the renovation demo's records as an upgrade that adds the file creates them
        self.env.cr.execute(
            """UPDATE ir_model_data SET create_date = now() AT TIME ZONE 'UTC'
                WHERE module = 'cs_property' AND name LIKE 'demo_renovation%%'"""
        )
        self.assertEqual(
            step.new_demo_files(self.env.cr, DEMO_FILES),
            ["demo/cs_property_renovation_demo.xml"],
        )
        # a file without workflow steps needs no second pass
        self.env.cr.execute(
            """UPDATE ir_model_data SET create_date = now() AT TIME ZONE 'UTC'
                WHERE module = 'cs_property' AND name LIKE 'demo_%%'"""
        )
        self.assertNotIn(
            "demo/cs_property_estate_demo.xml", step.new_demo_files(self.env.cr, DEMO_FILES)
        )

    def test_demo_files_loaded_before_are_not_played_again(self):
        step = self._script("0.0.0", "post-demo-files.py")
        self._set_demo(True)
        renovations = self.env["cs.property.renovation"].search_count([])
        step.migrate(self.env.cr, "19.0.1.1.0")
        step.migrate(self.env.cr, None)
        self.assertEqual(self.env["cs.property.renovation"].search_count([]), renovations)

    def test_dispatcher_runs_every_step_module_of_its_folder(self):
        dispatcher = self._script("19.0.1.2.0", "post-migrate.py")
        folder = Path(get_module_path("cs_property")) / "migrations" / "19.0.1.2.0"
        expected = sorted(
            p.stem for p in folder.glob("*.py") if "-" not in p.stem and not p.stem.startswith("_")
        )
        steps = dispatcher.steps()
        self.assertEqual([name for name, _migrate in steps], expected)
        self.assertTrue(all(callable(migrate) for _name, migrate in steps))
        # a migrated database runs the steps again without change or error
        dispatcher.migrate(self.env.cr, "19.0.1.1.0")
