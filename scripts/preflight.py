#!/usr/bin/env python3
"""Say plainly which system packages are missing, before anything fails obscurely.

Python 3.11+ and npm are required. The PDF libraries, a CJK font and Chromium are needed for
PDF notices and the browser tests: without them the portal still runs, and this says what to install.
Exit status 1 only when something required is missing.
"""

import ctypes.util
import shutil
import subprocess
import sys

RED, YELLOW, GREEN, END = "\033[31m", "\033[33m", "\033[32m", "\033[0m"


def cjk_font_installed():
    if not shutil.which("fc-list"):
        return False
    out = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True).stdout
    return "CJK" in out


def main():
    errors, warnings = [], []
    if sys.version_info < (3, 11):  # noqa: UP036  (this script runs before the environment exists)
        errors.append(f"Python 3.11 or newer is required (this is {sys.version.split()[0]}).")
    if not shutil.which("npm"):
        errors.append("npm is missing (Node 20): apt-get install nodejs npm")
    optional = [
        ("pango-1.0", "libpango-1.0-0 libpangoft2-1.0-0", "PDF notices cannot be rendered"),
        ("harfbuzz-subset", "libharfbuzz-subset0", "Chinese PDFs take ~14 s a page instead of 0.2 s"),
    ]
    for library, package, consequence in optional:
        if ctypes.util.find_library(library) is None:
            warnings.append(f"{consequence}: apt-get install {package}")
    if not cjk_font_installed():
        warnings.append(
            "No CJK font, Chinese text in PDFs prints as empty boxes: apt-get install fonts-noto-cjk"
        )
    if not shutil.which("chromium"):
        warnings.append("Browser tests are skipped without Chromium: apt-get install chromium")
    if not shutil.which("pdftotext"):
        warnings.append("PDF text tests are skipped without poppler: apt-get install poppler-utils")
    if not shutil.which("soffice"):
        warnings.append(
            "Spreadsheet re-save tests are skipped without LibreOffice: apt-get install libreoffice-calc-nogui"
        )
    for message in warnings:
        print(f"{YELLOW}[preflight] missing: {message}{END}", file=sys.stderr)
    for message in errors:
        print(f"{RED}[preflight] required: {message}{END}", file=sys.stderr)
    if not warnings and not errors:
        print(f"{GREEN}[preflight] system packages present{END}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
