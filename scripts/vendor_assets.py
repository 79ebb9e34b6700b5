#!/usr/bin/env python3
"""Copy the front-end packages installed by `npm ci` into static/vendor/.

The portal serves these files itself (intranet, no CDN). Source maps are copied too: with
manifest storage, collectstatic fails on a sourceMappingURL whose file is missing.
"""

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE = ROOT / "node_modules"
VENDOR = ROOT / "static" / "vendor"

FILES = {
    "bootstrap": [
        "bootstrap/dist/css/bootstrap.min.css",
        "bootstrap/dist/css/bootstrap.min.css.map",
        "bootstrap/dist/js/bootstrap.bundle.min.js",
        "bootstrap/dist/js/bootstrap.bundle.min.js.map",
    ],
    "bootstrap-icons": ["bootstrap-icons/font/bootstrap-icons.min.css"],
    "htmx": ["htmx.org/dist/htmx.min.js"],
    "echarts": ["echarts/dist/echarts.min.js"],
    "tom-select": [
        "tom-select/dist/js/tom-select.complete.min.js",
        "tom-select/dist/js/tom-select.complete.min.js.map",
        "tom-select/dist/css/tom-select.bootstrap5.min.css",
        "tom-select/dist/css/tom-select.bootstrap5.min.css.map",
    ],
}
DIRECTORIES = {"bootstrap-icons/fonts": "bootstrap-icons/font/fonts"}


def main():
    if not NODE.is_dir():
        sys.exit("node_modules/ is missing: run `npm ci` first (make assets does).")
    for target, sources in FILES.items():
        (VENDOR / target).mkdir(parents=True, exist_ok=True)
        for source in sources:
            shutil.copy2(NODE / source, VENDOR / target / Path(source).name)
    for target, source in DIRECTORIES.items():
        shutil.copytree(NODE / source, VENDOR / target, dirs_exist_ok=True)
    print(f"Front-end assets copied to {VENDOR.relative_to(ROOT)}/")


if __name__ == "__main__":
    main()
