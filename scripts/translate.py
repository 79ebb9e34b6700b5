#!/usr/bin/env python3
"""Add Chinese translations: refresh the zh_Hans catalogue from the code, fill the given entries, compile.

    .venv/bin/python scripts/translate.py new-strings.json

The JSON maps each English msgid to its Chinese msgstr (a list of strings for a plural entry); an
entry with a context (pgettext) is keyed "context|msgid".
Holds a lock, so several people (or sessions) working in one checkout never overwrite each
other's catalogue.
"""

import fcntl
import json
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
IGNORE = ["node_modules", ".venv", ".uv", "static/vendor", "var"]
LOCK = Path("/tmp/portal-messages.lock")


def refresh():
    command = [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-location", "--no-obsolete"]
    for pattern in IGNORE:
        command += ["-i", pattern]
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)


def fill(catalogue, translations):
    unknown = []
    for key, msgstr in translations.items():
        context, _bar, msgid = key.rpartition("|") if "|" in key else ("", "", key)
        entry = catalogue.find(msgid, msgctxt=context or None)
        if entry is None:
            unknown.append(key)
            continue
        if isinstance(msgstr, list):
            entry.msgstr_plural = dict(enumerate(msgstr))
        else:
            entry.msgstr = msgstr
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
            entry.previous_msgid = None
            entry.previous_msgid_plural = None
            entry.previous_msgctxt = None
    return unknown


def main(paths):
    translations = {}
    for path in paths:
        translations.update(json.loads(Path(path).read_text(encoding="utf-8")))
    with LOCK.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        refresh()
        catalogue = polib.pofile(str(PO), wrapwidth=79)
        unknown = fill(catalogue, translations)
        catalogue.save()
        refresh()  # gettext's own line wrapping, so the next makemessages changes nothing
        subprocess.run(
            [sys.executable, "manage.py", "compilemessages", "-l", "zh_Hans"],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
    for msgid in unknown:
        print(f"not in the code (check the spelling): {msgid!r}")
    missing = [entry.msgid for entry in catalogue.untranslated_entries() + catalogue.fuzzy_entries()]
    print(f"{len(translations) - len(unknown)} filled; still untranslated or fuzzy: {len(missing)}")
    for msgid in missing:
        print(f"  {msgid!r}")
    return 1 if unknown else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
