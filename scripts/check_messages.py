#!/usr/bin/env python3
"""CI: refresh the zh_Hans catalogue from the code and fail on any untranslated or fuzzy entry.

Run from a disposable checkout (CI's fresh clone): it rewrites locale/ in place.
"""

import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
IGNORE = ["node_modules", ".venv", ".uv", "static/vendor", "var"]


def main():
    command = [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-location", "--no-obsolete"]
    for pattern in IGNORE:
        command += ["-i", pattern]
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
    catalogue = polib.pofile(str(PO))
    missing = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    for msgid in missing:
        print(f"untranslated: {msgid!r}")
    for msgid in fuzzy:
        print(f"fuzzy: {msgid!r}")
    if missing or fuzzy:
        print("Run `make messages`, translate these in locale/zh_Hans/LC_MESSAGES/django.po, and commit.")
        return 1
    print(f"zh_Hans catalogue complete: {len(catalogue)} entries")
    return 0


if __name__ == "__main__":
    sys.exit(main())
