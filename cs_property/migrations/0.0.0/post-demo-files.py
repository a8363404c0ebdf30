"""Every upgrade (any version change): new demo files are played in full.

Odoo loads demo files as ``noupdate``: on an upgrade it creates the records of
a demo file the release added, but skips its ``<function>`` steps (the
workflow actions that bring the records to their states, the billing and
history generators), which run at install only. A demo database would get
half-made demo records. Here, after Odoo's demo loading, each demo file whose
records were all created by this upgrade (none existed before: the file is
new) and that has ``<function>`` steps is loaded again the way an install
does, so its steps run once. Files that existed before are left alone (their
records may have been changed by users). Databases without demo data are left
as they are.
"""

import logging

from lxml import etree

from odoo import SUPERUSER_ID, api
from odoo.modules.module import get_manifest
from odoo.tools import convert_file, file_open

_logger = logging.getLogger(__name__)
ADDON = "cs_property"


def _xmlids(root):
    for node in root.xpath("//*[@id]"):
        module, _dot, name = node.get("id").rpartition(".")
        yield module or ADDON, name


def new_demo_files(cr, files):
    """The demo files (with ``<function>`` steps) whose records this
    transaction created."""
    result = []
    for filename in files:
        if not filename.endswith(".xml"):
            continue
        with file_open(f"{ADDON}/{filename}", "rb") as fp:
            root = etree.parse(fp).getroot()
        if not root.xpath("//function"):
            continue
        names = [name for module, name in _xmlids(root) if module == ADDON]
        if not names:
            continue
        cr.execute(
            """SELECT count(*), count(*) FILTER (WHERE create_date < (now() AT TIME ZONE 'UTC'))
                 FROM ir_model_data WHERE module = %s AND name = ANY(%s)""",
            [ADDON, names],
        )
        created, older = cr.fetchone()
        if created and not older:
            result.append(filename)
    return result


def migrate(cr, version):
    if not version:
        return
    cr.execute("SELECT demo FROM ir_module_module WHERE name = %s", [ADDON])
    row = cr.fetchone()
    if not (row and row[0]):
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    for filename in new_demo_files(cr, get_manifest(ADDON).get("demo", [])):
        _logger.info("%s: new demo file %s played in full", ADDON, filename)
        convert_file(env, ADDON, filename, {}, mode="init", noupdate=True)
