"""Every upgrade (any version change): a demo database reads in Chinese.

The demo activates zh_CN in ``demo/cs_property_users_demo.xml``, but Odoo
loads demo files as ``noupdate``: their ``<function>`` steps run at install
only. A demo database whose Chinese was deactivated (or installed before the
demo activated it) would then fail every new demo record written in the
``zh_CN`` context ("Invalid language code: zh_CN") and Odoo would flag the
add-on "without demo data". Before the new code loads, the language is active
again; Odoo loads its terms for the upgraded modules afterwards. Databases
without demo data are left as they are.
"""

from odoo import SUPERUSER_ID, api

DEMO_LANG = "zh_CN"


def migrate(cr, version):
    if not version:
        return
    cr.execute("SELECT demo FROM ir_module_module WHERE name = 'cs_property'")
    row = cr.fetchone()
    if not (row and row[0]):
        return
    # through the ORM: the languages' cache must see it
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["res.lang"]._activate_and_install_lang(DEMO_LANG)
