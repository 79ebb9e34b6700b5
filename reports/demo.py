"""Reports' part of the demo city (seed_demo runs it last): last month's report built and submitted
by city_admin (its .xlsx and PDF kept), this month's built as a draft, the notices of the register
(reports.notices.demo, when it is there), a 通报 issued from last month's report, and two projects'
public pages (reports.public.demo). Safe to run again: a month that has its report keeps it."""

from importlib import import_module

from django.utils import timezone

from org.models import Region, User

from .models import MonthlyReport
from .monthly.bulletin import BULLETIN
from .monthly.services import monthly_report_build, monthly_report_submit, previous_month
from .public import demo as public_demo


def seed(context):
    city = context.shared.get("city") or Region.objects.get(code="370300")
    admin = User.objects.filter(username="city_admin").first()
    if admin is None:
        return
    last = seed_monthly_reports(context, city, admin)
    # Before the notices: the 改造公示 the demo issues prints its project's public page and QR code.
    public_demo.seed(context)
    notices = _notices_demo()
    if notices is not None:
        notices.seed(context)
    if last is not None:
        seed_bulletin(context, last, admin)


def _notices_demo():
    try:
        return import_module("reports.notices.demo")
    except ModuleNotFoundError:
        return None


def seed_monthly_reports(context, city, admin):
    """Last month's report submitted, this month's a draft; returns last month's."""
    this_month = timezone.localdate().replace(day=1)
    last_month = previous_month(this_month)
    last = MonthlyReport.objects.filter(city=city, month=last_month, is_current=True).first()
    if last is None:
        last = monthly_report_build(city=city, month=last_month, user=admin)
        context.stdout.write(f"{city.name}: {last}")
    if not last.is_submitted:
        last = monthly_report_submit(report=last, user=admin)
    if not MonthlyReport.objects.filter(city=city, month=this_month).exists():
        draft = monthly_report_build(city=city, month=this_month, user=admin)
        context.stdout.write(f"{city.name}: {draft}")
    return last


def seed_bulletin(context, report, admin):
    """A 通报 of last month's report in the name of the city's housing bureau, once."""
    from .notices import rendering
    from .notices.kinds import notice_kind
    from .notices.selectors import default_issuer, notices_of_subject
    from .notices.services import notice_issue

    kind = notice_kind(BULLETIN)
    if notices_of_subject(admin, report).filter(kind=BULLETIN).exists():
        return
    issuer = default_issuer(kind, admin)
    if issuer is None:
        return
    notice = notice_issue(
        kind=kind, subject=report, issuer=issuer, user=admin, contact="王建国 0533-1234567", render=False
    )
    # Rendered here, as the notices' demo does: no job thread outlives the seed command.
    rendering.run_item(None, str(notice.pk))
    context.stdout.write(f"{report.city.name}: {notice}")
