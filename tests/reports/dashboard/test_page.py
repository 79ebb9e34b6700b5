"""The dashboard as a whole page and as each role's home: leaders, auditors and the city's staff
open on their city's dashboard, district staff on their district's, reviewers on their inbox first
and street clerks on their street's work; the workbook export holds the page's own tables; the
wall screen and the print layout."""

import datetime
import io
import subprocess
from decimal import Decimal

import pytest
from django.utils.functional import Promise
from openpyxl import load_workbook

from approvals.models import Assignment
from org.models import Region
from projects.models import Project
from reports.dashboard.export import SHEET_NAME_MAX, sheet_names, workbook_bytes
from reports.dashboard.sections import Section, Table
from tests.approvals.factories import pending_request_in
from tests.factories import compound_in, project_in

EXPORT = "/dashboard/export.xlsx"


def _community_of(district):
    return Region.objects.filter(path__startswith=district.path, level=Region.Level.COMMUNITY).first()


@pytest.fixture
def projects(world):
    """A project under way in each of two districts (张店区 and 淄川区)."""
    zhangdian = project_in(
        compound_in(world.community_a), stage=Project.Stage.CONSTRUCTION, name="张店区在建项目"
    )
    zichuan = project_in(
        compound_in(_community_of(world.district_b)), stage=Project.Stage.CONSTRUCTION, name="淄川区在建项目"
    )
    return zhangdian, zichuan


# --- Each role's home ------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["leader", "city", "auditor"])
def test_leaders_city_staff_and_auditors_open_on_their_citys_dashboard(world, client_for, persona):
    response = client_for(persona).get("/")
    body = response.content.decode()
    assert response.context["dashboard"] is True
    assert response.context["scope"].region == world.city
    assert 'id="home-dashboard"' in body and 'data-kpi="compounds"' in body
    # The dashboard replaces the counters of regions and organisations.
    assert 'id="home-counters"' not in body and "level_counts" not in response.context
    assert "reports/dashboard.js" in body  # the charts' script is loaded


def test_city_staff_keep_their_work_lists_under_the_dashboard(world, client_for):
    project_in(compound_in(world.community_b), stage=Project.Stage.REVIEW, name="公园街道审查中项目")
    body = client_for("city").get("/").content.decode()
    assert body.index('id="home-dashboard"') < body.index('id="home-work"')
    assert "公园街道审查中项目" in body[body.index('id="home-work"') :]
    assert 'href="#home-waiting"' in body  # the link to the work list above the dashboard


def test_district_staff_home_shows_only_their_district(world, client_for, projects):
    response = client_for("district").get("/")
    body = response.content.decode()
    assert response.context["scope"].region == world.district_a
    dashboard = body[body.index('id="home-dashboard"') :]
    assert "张店区" in dashboard
    assert world.district_b.name not in body
    assert "淄川区在建项目" not in body
    compare = next(s for s in response.context["sections"] if s.key == "compare")
    streets = set(Region.objects.filter(parent=world.district_a).values_list("name", flat=True))
    assert {world.street_a.name} <= {row[0] for row in compare.tables[0].rows} <= streets


def test_reviewer_home_shows_the_inbox_first(world, client_for):
    request = pending_request_in(world.street_a, world["district"])
    Assignment.objects.filter(request=request).update(organisation=world["finance"].organisation)
    response = client_for("finance").get("/")
    body = response.content.decode()
    assert [r.pk for r in response.context["inbox"]] == [request.pk]
    assert response.context["inbox_total"] == 1
    assert body.index('id="home-inbox"') < body.index('id="home-dashboard"')
    inbox = body[body.index('id="home-inbox"') : body.index('id="home-dashboard"')]
    assert request.get_absolute_url() in inbox and request.subject_repr in inbox
    assert request.due_on.strftime("%Y-%m-%d") in inbox


def test_street_clerks_home_has_no_dashboard(world, client_for):
    response = client_for("clerk_a").get("/")
    body = response.content.decode()
    assert response.context["dashboard"] is False
    assert 'id="home-dashboard"' not in body and "data-kpi" not in body
    assert 'id="home-counters"' in body  # their street's counters stay


def test_a_system_administrator_who_reads_no_progress_keeps_the_counters(world, client_for):
    response = client_for("sysadmin").get("/")
    assert response.context["dashboard"] is False
    assert 'id="home-counters"' in response.content.decode()


# --- Who reads the page ----------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/dashboard/", "/dashboard/wall/", EXPORT])
def test_street_clerks_are_refused_the_dashboard(world, client_for, url):
    assert client_for("clerk_a").get(url).status_code == 403


@pytest.mark.parametrize("url", ["/dashboard/", "/dashboard/wall/", EXPORT])
def test_drilling_into_a_region_outside_the_users_area_answers_404(world, client_for, url):
    client = client_for("district")
    assert client.get(url, {"region": world.district_b.pk}).status_code == 404
    assert client.get(url, {"region": world.street_a.pk}).status_code == 200


# --- The export ------------------------------------------------------------------------------------


def _cell(value):
    """A table's cell as the workbook reads it back (numbers as numbers, labels as text)."""
    if isinstance(value, Promise):
        value = str(value)
    if value == "":
        return None  # an empty text cell is no cell
    if isinstance(value, Decimal):
        return pytest.approx(float(value))
    if isinstance(value, datetime.date):
        return datetime.datetime.combine(value, datetime.time())
    return value


def _sheet_rows(sheet):
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    return [row[: max((i + 1 for i, v in enumerate(row) if v is not None), default=0)] for row in rows]


def _expected_rows(section):
    rows = []
    for table in section.tables:
        rows += [[], [str(table.title)], [str(c) for c in table.columns]]
        rows += [[_cell(v) for v in row] for row in table.rows] or [["暂无。"]]
        if table.total:
            rows.append([_cell(v) for v in table.total])
    return [_trim(row) for row in rows]


def _trim(row):
    while row and row[-1] is None:
        row = row[:-1]
    return row


@pytest.mark.parametrize("persona", ["leader", "district"])
def test_the_export_holds_the_pages_own_tables_a_sheet_a_section(world, client_for, projects, persona):
    client = client_for(persona)
    page = client.get("/dashboard/")
    sections = [s for s in page.context["sections"] if s.tables]
    response = client.get(EXPORT)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == sheet_names([s.title for s in sections])
    for section, sheet in zip(sections, workbook.worksheets, strict=True):
        rows = _sheet_rows(sheet)
        assert rows[5:] == _expected_rows(section), section.key


def test_the_export_heads_every_sheet_with_its_scope_and_bolds_the_headers(world, client_for):
    response = client_for("district").get(EXPORT, {"year": 2026, "as_of": "2026-06-30"})
    workbook = load_workbook(io.BytesIO(response.content))
    for sheet in workbook.worksheets:
        assert len(sheet.title) <= SHEET_NAME_MAX
        assert sheet["A1"].value == "张店区老旧小区改造驾驶舱（2026年度）" and sheet["A1"].font.b
        assert [sheet["A2"].value, sheet["B2"].value] == ["所属区域", "淄博市 / 张店区"]
        assert [sheet["A3"].value, sheet["B3"].value] == ["计划年度", 2026]
        assert [sheet["A4"].value, sheet["B4"].value] == ["数据截至", "2026-06-30"]
        assert sheet["A7"].font.b and all(cell.font.b for cell in sheet[8] if cell.value is not None)
    kpis = workbook["任务进度概览"]
    assert isinstance(kpis["C9"].value, int)  # the quota of compounds, a number


def test_the_export_escapes_a_cell_a_spreadsheet_would_run_as_a_formula(world):
    from reports.dashboard.scope import Scope

    scope = Scope(user=None, city=world.city, year=2026, as_of=datetime.date(2026, 6, 30), region=world.city)
    table = Table(
        title="表", columns=["名称", "数"], rows=[["=HYPERLINK(1)", Decimal("1.50")]], total=["合计", 3]
    )
    content = workbook_bytes(
        scope, [Section(key="x", title="一节", tables=[table])], exported_at=datetime.datetime.now()
    )
    sheet = load_workbook(io.BytesIO(content))["一节"]
    assert [sheet["A9"].value, sheet["B9"].value] == ["'=HYPERLINK(1)", 1.5]
    assert sheet["B9"].number_format == "#,##0.00" and sheet["A10"].font.b


def test_sheet_names_are_what_excel_accepts():
    names = sheet_names(["改造内容构成与主要指标" * 3, "改造内容构成与主要指标" * 3, "资金/来源:[计划]?"])
    assert all(len(name) <= SHEET_NAME_MAX for name in names)
    assert len({name.lower() for name in names}) == 3
    assert not any(char in names[2] for char in "[]:*?/\\")


def test_the_export_is_audited(world, client_for):
    from core.models import AuditEntry

    client_for("leader").get(EXPORT)
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).latest("pk")
    assert entry.actor == world["leader"] and "驾驶舱" in entry.summary


def test_libreoffice_opens_the_exported_workbook(world, client_for, projects, tmp_path, needs_soffice):
    path = tmp_path / "dashboard.xlsx"
    path.write_bytes(client_for("leader").get(EXPORT).content)
    subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76",
         "--outdir", str(tmp_path), str(path)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    text = (tmp_path / "dashboard.csv").read_text(encoding="utf-8", errors="replace")
    assert "老旧小区改造驾驶舱" in text and "年度任务" in text


# --- The page's tools, the wall screen -------------------------------------------------------------


def test_the_page_offers_the_export_with_its_scope(world, client_for):
    body = client_for("district").get("/dashboard/", {"year": 2026, "as_of": "2026-06-30"}).content.decode()
    assert 'id="dashboard-export"' in body
    assert "/dashboard/export.xlsx?city=" in body and "as_of=2026-06-30" in body
    assert "导出 Excel" in body


def test_the_wall_screen_reloads_itself_and_shows_the_charts_alone(world, client_for):
    response = client_for("leader").get("/dashboard/wall/")
    body = response.content.decode()
    assert 'data-wall-refresh="300"' in body and "data-wall-clock" in body and "更新于" in body
    assert '<meta http-equiv="refresh"' in body  # without scripts, inside <noscript>
    assert 'data-kpi="compounds"' in body  # the cards across the top
    assert "data-dash-sort" not in body  # a chart's sort buttons are for a desk


def test_staff_see_how_many_approvals_wait_for_them_above_the_dashboard(world, client_for):
    request = pending_request_in(world.street_a, world["city"])
    Assignment.objects.filter(request=request).update(organisation=world["district"].organisation)
    body = client_for("district").get("/").content.decode()
    assert body.index('id="home-inbox-link"') < body.index('id="home-dashboard"')
    assert "/approvals/" in body[body.index('id="home-inbox-link"') - 80 : body.index('id="home-inbox-link"')]
