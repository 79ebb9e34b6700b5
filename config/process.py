"""What kind of process this is, as the database sees it (``application_name`` in pg_stat_activity).

Counting a province's connections per web process and per worker (docs/production.md, "One
province") is then one query: ``SELECT application_name, count(*) FROM pg_stat_activity GROUP BY 1``.
"""

import sys
from pathlib import Path

WEB_SERVERS = {"gunicorn", "uwsgi", "uvicorn", "daphne", "runserver"}


def process_name(argv=None):
    """portal-web, portal-worker, portal-beat, portal-<manage.py command>, or portal."""
    argv = sys.argv if argv is None else argv
    if not argv:
        return "portal"
    program = Path(argv[0]).name
    if "celery" in argv[0].split("/")[-2:] or program == "celery":
        return "portal-beat" if "beat" in argv[1:] else "portal-worker"
    if program in WEB_SERVERS:
        return "portal-web"
    if program == "manage.py" and len(argv) > 1:
        return "portal-web" if argv[1] in WEB_SERVERS else f"portal-{argv[1]}"[:63]
    return "portal"
