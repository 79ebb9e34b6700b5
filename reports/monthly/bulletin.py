"""The 通报 (bulletin) of a monthly report: an official notice (reports.notices) whose subject is a
submitted, current monthly report. It says how far the city has come, ranks the districts by start
rate, completion rate and investment, names the last ones (末位) and lists the lagging projects —
all read from the report's frozen snapshot, and frozen again in the notice when its number is
given, so the document prints the same whenever it is rendered."""

from django.utils.translation import gettext_lazy as _

from org.models import Organisation
from org.roles import CITY_STAFF

from ..models import MonthlyReport
from ..notices.chinese import official_date
from ..notices.kinds import NoticeKind, register_notice_kind
from .documents import ranking_rows
from .table import display, month_change, table_of

BULLETIN = "bulletin"
# Lagging projects printed in the bulletin; the report's page lists them all.
LAGGING_SHOWN = 30


def _month_text(report):
    return f"{report.month.year}年{report.month.month}月"


def bulletin_title(report):
    return f"关于{report.city.name}{_month_text(report)}城镇老旧小区改造工作进展情况的通报"


def bulletin_label(report):
    return f"{report.city.name}{_month_text(report)}月报（第{report.version}版）"


def _cells(table, row):
    return {column.key: shown for column, shown in zip(table.columns, row.shown, strict=True)}


def bulletin_context(report, notice):
    """What the 通报 prints, as plain text: the city's totals, every district's figures in rank
    order with 末位 marked, the change from last month, and the lagging projects."""
    table = table_of(report.numbers)
    total = _cells(table, table.rows[-1])
    ranking = ranking_rows(report.numbers.get("ranking") or [])
    districts = {row.name: _cells(table, row) for row in table.rows[:-1]}
    change = month_change(report.numbers)
    growth = None
    if change:  # the city's total against last month's
        differences = [(column, difference) for column, _now, _then, difference in change[-1].values]
        growth = {column.key: display(difference, column) for column, difference in differences}
        growth["any"] = any(difference for _column, difference in differences)
    lagging = report.numbers.get("lagging") or []
    return {
        "city": report.city.name,
        "month": _month_text(report),
        "year": report.month.year,
        "as_of": official_date(report.as_of),
        "version": report.version,
        "data_version": report.data_version,
        "total": total,
        "growth": growth,
        "ranking": [
            {
                "rank": row["rank"],
                "name": row["name"],
                "quota": districts.get(row["name"], {}).get("quota_compounds", ""),
                "started": districts.get(row["name"], {}).get("started_compounds", ""),
                "start_rate": "—" if row["start_rate"] is None else f"{row['start_rate']:.1f}",
                "completed": districts.get(row["name"], {}).get("completed_compounds", ""),
                "completion_rate": "—" if row["completion_rate"] is None else f"{row['completion_rate']:.1f}",
                "investment": "—" if row["investment"] is None else f"{row['investment']:,.2f}",
                "last": row["last"],
            }
            for row in ranking
        ],
        "last_places": [row["name"] for row in ranking if row["last"]],
        "lagging": [
            {
                "name": row["name"],
                "region": row["region"],
                "reasons": "；".join(r.rstrip("。；") for r in row["reasons"]),
            }
            for row in lagging[:LAGGING_SHOWN]
        ],
        "lagging_count": len(lagging),
    }


def _submitted(queryset):
    return queryset.filter(is_current=True, status=MonthlyReport.Status.SUBMITTED)


def register():
    register_notice_kind(
        NoticeKind(
            code=BULLETIN,
            label=_("progress bulletin"),
            subject_model=MonthlyReport,
            template="reports/notices/pdf/kinds/bulletin.html",
            context=bulletin_context,
            title=bulletin_title,
            region=lambda report: report.city,
            addressee=lambda report: "各区县住房和城乡建设局，市城镇老旧小区改造工作领导小组各成员单位",
            eligible=_submitted,
            roles=(CITY_STAFF,),
            issuer_kinds=(Organisation.Kind.CITY_BUREAU,),
            subject_label=bulletin_label,
        )
    )
