"""Merge cs_property.pot into a language .po file, keeping existing translations.

    python tools/po_merge.py cs_property/i18n/zh_CN.po [--lang zh_CN]

Odoo's `i18n export` writes the template; this keeps the .po in step with it
(new terms appear untranslated, vanished ones are dropped) and lists what is
still missing, so a translator knows exactly what to fill in.
"""

import argparse
import sys
from pathlib import Path

import polib


def merge(pot_path: Path, po_path: Path, lang: str) -> list[str]:
    pot = polib.pofile(str(pot_path))
    old = polib.pofile(str(po_path)) if po_path.exists() else polib.POFile()
    known = {entry.msgid: entry.msgstr for entry in old if entry.msgstr and not entry.obsolete}
    po = polib.POFile(wrapwidth=78)
    po.metadata = dict(pot.metadata)
    po.metadata.update({"Language": lang, "Plural-Forms": "nplurals=1; plural=0;"})
    po.header = pot.header
    missing = []
    for entry in pot:
        entry.msgstr = known.get(entry.msgid, "")
        if not entry.msgstr:
            missing.append(entry.msgid)
        po.append(entry)
    po.save(str(po_path))
    return missing


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("po", type=Path)
    parser.add_argument("--lang", default=None)
    args = parser.parse_args()
    pot = args.po.with_name(f"{args.po.parent.parent.name}.pot")
    missing = merge(pot, args.po, args.lang or args.po.stem)
    for msgid in missing:
        print(f"untranslated: {msgid!r}")
    print(f"{args.po}: {len(missing)} untranslated")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
