"""Funding rows saved directly, for pages tested on their own (the services have their tests)."""

import datetime
import importlib
from decimal import Decimal
from itertools import count

from django.apps import apps

from funding.models import Disbursement, FundingPlanLine, FundingSource, FundReceipt

_serial = count(1)
DAY = datetime.date(2026, 5, 10)


def _source(code):
    if not FundingSource.objects.exists():  # a transactional test emptied the tables migrations filled
        migration = importlib.import_module("funding.migrations.0002_the_funding_sources")
        migration.add_sources(apps, None)
    return FundingSource.objects.get(code=code)


def plan_line_in(project, *, source="city_budget", year=2026, amount="1000000.00"):
    return FundingPlanLine.objects.create(
        project=project, source=_source(source), year=year, amount=Decimal(amount)
    )


def receipt_in(project, recorded_by, *, source="city_budget", amount="600000.00", on=DAY, **fields):
    return FundReceipt.objects.create(
        project=project, city_id=project.city_id, source=_source(source), amount=Decimal(amount), received_on=on,
        recorded_by=recorded_by, **fields,
    )  # fmt: skip


def disbursement_in(
    project, recorded_by, *, source="city_budget", amount="100000.00", state="released", **fields
):
    """A disbursement as the flow leaves it: released (with its voucher and date) or under review."""
    n = next(_serial)
    released = state == Disbursement.State.RELEASED
    values = {
        "payee": "淄博建工集团有限公司", "purpose": "首期工程款", "voucher_number": f"记-2026-{n:04d}" if released else "",
        "paid_on": DAY if released else None,
    }  # fmt: skip
    values.update(fields)
    return Disbursement.objects.create(
        project=project, city_id=project.city_id, source=_source(source), amount=Decimal(amount), state=state,
        idempotency_key=f"test-{n}", recorded_by=recorded_by, **values,
    )  # fmt: skip
