"""The notices' fixtures (a project under construction with its items, the issuers, the funding
sources), for the 改造公示 that prints the public page's QR code."""

from tests.reports.notices.conftest import building, eager_tasks, issuers, sources  # noqa: F401
