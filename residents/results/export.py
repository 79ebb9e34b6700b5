"""A campaign's results as .xlsx: the same figures as its page (the compounds the user may see),
one sheet per compound and building, one of the wanted items, and for a satisfaction survey one of
the scores. Text cells a spreadsheet would run as a formula are escaped; the export is audited."""

import io

from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.http import CONTENT_TYPES, attachment
from core.models import AuditEntry
from core.spreadsheets import column_letter, escape_formula
from residents.models import SurveyCampaign


def _verdict(support):
    if support is None or support.support is None:
        return ""
    return _("meets the threshold") if support.passes else _("below the threshold")


def _figure_headers(results):
    headers = [_("households"), _("answered"), _("participation (%)")]
    if results.is_needs:
        headers += [
            _("agreeing"), _("undecided"), _("not agreeing"), _("support rate (%)"),
            _("willing to contribute"), _("share willing (%)"), _("amount offered (yuan)"),
            _("average amount offered (yuan)"),
        ]  # fmt: skip
    else:
        headers += [_("average overall score"), *(_("score %(n)s") % {"n": n} for n in range(1, 6))]
    return headers


def _figures(results, row):
    values = [row.households, row.answered, row.participation]
    if results.is_needs:
        values += [
            row.agreeing, row.undecided, row.disagreeing, row.support_rate, row.willing, row.willing_share,
            row.amount_total, row.amount_average,
        ]  # fmt: skip
    else:
        values += [row.overall_average, *row.distribution]
    return values


def _sheet(workbook, title, headers, rows):
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    sheet = workbook.create_sheet(title[:31])
    for index in range(len(headers)):
        sheet.column_dimensions[column_letter(index)].width = 14 if index else 24
    bold = Font(bold=True)
    cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)
    for row in rows:
        sheet.append([escape_formula(value) if isinstance(value, str) else value for value in row])


def results_content(results):
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    figures = _figure_headers(results)
    compound_rows = []
    for row in results.compounds:
        verdict = [_verdict(row.support)] if results.is_needs else []
        registry = _("yes") if row.households_from_registry else _("no")
        compound_rows.append([row.name, *_figures(results, row), *verdict, registry])
    compound_rows.append([_("total"), *_figures(results, results.total)])
    verdict_header = [_("support threshold")] if results.is_needs else []
    _sheet(
        workbook,
        _("compounds"),
        [_("compound"), *figures, *verdict_header, _("households from the registry")],
        compound_rows,
    )
    building_rows = [
        [compound.name, building.name, *_figures(results, building)]
        for compound in results.compounds
        for building in results.buildings.get(compound.compound_id, [])
    ]
    _sheet(workbook, _("buildings"), [_("compound"), _("building"), *figures], building_rows)
    if results.is_needs:
        item_rows = [
            [compound.name, index, item.item, item.category, item.count, item.share]
            for compound in [*results.compounds, results.total]
            for index, item in enumerate(compound.items, start=1)
        ]
        _sheet(
            workbook,
            _("items wanted"),
            [_("compound"), _("rank"), _("item wanted"), _("item category"), _("households"), _("share (%)")],
            item_rows,
        )
    else:
        category_rows = [
            [compound.name, name, average, count]
            for compound in [*results.compounds, results.total]
            for name, average, count in compound.categories
        ]
        _sheet(
            workbook,
            _("scores by category"),
            [_("compound"), _("item category"), _("average score"), _("answers")],
            category_rows,
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def results_response(user, results):
    content = results_content(results)
    campaign = results.campaign
    audit_record(
        actor=user,
        action=AuditEntry.Action.EXPORT,
        model=SurveyCampaign,
        subject=str(campaign),
        summary=_("Survey results, %(format)s") % {"format": "xlsx"},
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    filename = _("%(campaign)s results-%(stamp)s.xlsx") % {"campaign": campaign.title, "stamp": stamp}
    return attachment(content, filename, CONTENT_TYPES["xlsx"])
