"""19.0.1.2.0: runs every step of this release, one module per change.

Each sibling ``<name>.py`` of this folder exposes ``migrate(cr, version)``;
they run in the order of their file names, after the new code's data files
are loaded. A step that has nothing to do must return without change (the
upgrade of a database that already has the change runs it again).
"""

import importlib.util
import logging
from pathlib import Path

_logger = logging.getLogger(__name__)


def steps():
    """(name, migrate) of every step module of this folder."""
    here = Path(__file__).resolve().parent
    result = []
    for path in sorted(here.glob("*.py")):
        if "-" in path.stem or path.stem.startswith("_"):
            continue  # pre-/post-/end- scripts are Odoo's, not steps
        spec = importlib.util.spec_from_file_location(f"cs_property_migration_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        result.append((path.stem, module.migrate))
    return result


def migrate(cr, version):
    for name, step in steps():
        _logger.info("cs_property 19.0.1.2.0: migration step %s", name)
        step(cr, version)
