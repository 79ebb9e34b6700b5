"""Importing and exporting projects and their items: the rules of the project services, checked for
the whole file first, every problem named by row and column, all or nothing, in the user's area."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from guardian.shortcuts import assign_perm

from core.exports import export_content
from core.importing import import_file
from core.models import AuditEntry
from core.spreadsheets import write_csv, write_xlsx
from projects.lifecycle.importers import ProjectImporter
from projects.models import Project, ProjectItem, RenovationItem
from projects.works.importers import ProjectItemImporter
from tests.factories import city_policy, compound_in, project_in, renovation_item

PROJECT_HEADERS = [column.header for column in ProjectImporter.columns]
ITEM_HEADERS = [column.header for column in ProjectItemImporter.columns]


def project_row(code="P-001", compounds="C-A1", **changes):
    row = {
        "项目编号": code, "项目名称": f"{code}改造项目", "计划年度": 2026, "项目库": "储备",
        "实施主体": "车站街道办事处", "设计单位": "淄博市规划设计院", "施工单位": "", "监理单位": "",
        "计划开工": "2026-04-01", "计划完工": "2026-10-31", "小区编号": compounds,
    }  # fmt: skip
    row.update(changes)
    return [row[h] for h in PROJECT_HEADERS]


def item_row(project="P-001", item="water_supply", **changes):
    row = {
        "项目编号": project, "改造内容编码": item, "改造内容": None, "数量": 1200, "估算金额（万元）": 36,
        "合同价（万元）": None, "实际金额（万元）": None, "进度（%）": 0, "出资方": None, "备注": "",
    }  # fmt: skip
    row.update(changes)
    return [row[h] for h in ITEM_HEADERS]


def projects_file(*rows, headers=PROJECT_HEADERS):
    return write_xlsx(headers, rows)


def items_file(*rows):
    return write_xlsx(ITEM_HEADERS, rows)


def run(user, data, name="projects.xlsx", commit=False, importer=ProjectImporter):
    return import_file(importer(user), data, name, commit=commit)


def run_items(user, data, name="items.xlsx", commit=False):
    return run(user, data, name=name, commit=commit, importer=ProjectItemImporter)


def messages(report):
    return [(e.row, e.column, e.message) for e in report.errors]


@pytest.fixture
def compound_a(world):
    return compound_in(world.community_a, code="C-A1", name="华光路小区")


@pytest.fixture
def compound_b(world):
    return compound_in(world.community_b, code="C-B1", name="公园小区")


# --- projects ------------------------------------------------------------------------------------


def test_a_new_code_creates_a_project_in_the_street_of_its_compound(world, compound_a):
    report = run(world["clerk_a"], projects_file(project_row("P-001")), commit=True)
    assert report.committed, messages(report)
    assert (report.new, report.updated) == (1, 0)
    project = Project.objects.get(code="P-001")
    assert project.region == world.street_a and project.city == world.city
    assert list(project.compounds.all()) == [compound_a]
    assert (project.plan_year, project.pool, project.stage) == (2026, "reserve", "survey")
    assert project.planned_start == datetime.date(2026, 4, 1)
    assert project.designer == "淄博市规划设计院"
    entry = AuditEntry.objects.get(object_id=str(project.pk), action=AuditEntry.Action.IMPORT)
    assert entry.changes["compounds"] == ["华光路小区"]
    assert entry.region_path == world.street_a.path


def test_a_dry_run_counts_and_saves_nothing(world, compound_a):
    report = run(world["clerk_a"], projects_file(project_row("P-001"), project_row("P-002")))
    assert report.summary() == {
        "total": 2, "new": 2, "updated": 0, "unchanged": 0, "rejected": 0, "committed": False
    }  # fmt: skip
    assert not Project.objects.exists()


def test_an_existing_code_updates_that_project(world, compound_a):
    project = project_in(compound_a, code="P-001", name="旧名称", pool="planning", contractor="甲公司")
    report = run(
        world["clerk_a"],
        projects_file(project_row("P-001", 项目名称="新名称", 施工单位="乙公司")),
        commit=True,
    )
    assert (report.new, report.updated) == (0, 1), messages(report)
    project.refresh_from_db()
    assert (project.name, project.contractor) == ("新名称", "乙公司")
    assert project.pool == "reserve"  # written in the file
    entry = AuditEntry.objects.filter(object_id=str(project.pk), action=AuditEntry.Action.UPDATE).get()
    assert entry.changes["name"] == ["旧名称", "新名称"]
    assert entry.changes["contractor"] == ["甲公司", "乙公司"]


def test_an_empty_pool_keeps_the_pool_of_an_existing_project(world, compound_a):
    project = project_in(compound_a, code="P-001", pool="implementation")
    run(world["clerk_a"], projects_file(project_row("P-001", 项目库=None)), commit=True)
    project.refresh_from_db()
    assert project.pool == "implementation"


def test_importing_the_same_file_twice_changes_nothing(world, compound_a):
    data = projects_file(project_row("P-001"), project_row("", 项目名称="无编号项目"))
    run(world["clerk_a"], data, commit=True)
    before = list(Project.objects.order_by("pk").values())
    again = run(world["clerk_a"], data, commit=True)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 2), messages(again)
    assert list(Project.objects.order_by("pk").values()) == before


def test_a_bundled_project_over_two_streets_belongs_to_their_district(world, compound_a, compound_b):
    report = run(world["district"], projects_file(project_row("P-001", "C-A1、C-B1")), commit=True)
    assert report.committed, messages(report)
    project = Project.objects.get(code="P-001")
    assert project.region == world.district_a
    assert set(project.compounds.all()) == {compound_a, compound_b}


@pytest.mark.parametrize("separator", ["、", ",", "；", "， "])
def test_compound_codes_may_be_separated_by_any_usual_mark(world, compound_a, separator):
    other = compound_in(world.community_a, code="C-A2")
    report = run(world["clerk_a"], projects_file(project_row("P-001", f"C-A1{separator}C-A2")), commit=True)
    assert report.committed, messages(report)
    assert set(Project.objects.get().compounds.all()) == {compound_a, other}


def test_changing_the_compounds_replaces_them_and_moves_the_area(world, compound_a, compound_b):
    project = project_in(compound_a, code="P-001")
    report = run(world["district"], projects_file(project_row("P-001", "C-B1")), commit=True)
    assert (report.updated, report.new) == (1, 0), messages(report)
    project.refresh_from_db()
    assert list(project.compounds.all()) == [compound_b]
    assert project.region == world.street_b
    entry = AuditEntry.objects.filter(object_id=str(project.pk), action=AuditEntry.Action.UPDATE).get()
    assert entry.changes["compounds"] == [["华光路小区"], ["公园小区"]]


def test_a_compound_outside_the_users_area_is_refused_naming_row_and_column(world, compound_a, compound_b):
    report = run(world["clerk_a"], projects_file(project_row("P-001"), project_row("P-002", "C-A1、C-B1")))
    [(row, column, message)] = messages(report)
    assert (row, column) == (3, "小区编号")
    assert "C-B1" in message


def test_an_unknown_compound_code_is_refused(world, compound_a):
    report = run(world["clerk_a"], projects_file(project_row("P-001", "C-NONE")))
    [(row, column, message)] = messages(report)
    assert (row, column) == (2, "小区编号") and "C-NONE" in message


def test_a_project_may_not_reach_beyond_the_users_area(world, compound_a, compound_b):
    # Clerk A is also given street B: the two compounds are theirs, but a project over both would be
    # the district's, which is not.
    assign_perm("org.work_in_region", world["clerk_a"], world.street_b)
    report = run(world["clerk_a"], projects_file(project_row("P-001", "C-A1、C-B1")))
    [(row, column, message)] = messages(report)
    assert (row, column) == (2, "小区编号") and world.district_a.name in message


def test_a_code_of_a_project_in_another_street_is_refused(world, compound_a, compound_b):
    project_in(compound_b, code="P-009")
    report = run(world["clerk_a"], projects_file(project_row("P-009")), commit=True)
    assert messages(report)[0][:2] == (2, "项目编号")
    assert Project.objects.filter(code="P-009").count() == 1


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("计划年度", 1990), ("计划年度", "明年"), ("项目库", "在建"), ("项目库", "已改造"),
        ("计划开工", "2026-13-01"), ("计划完工", "下个月"), ("项目名称", None), ("小区编号", "、"),
        ("项目编号", "X" * 41),
    ],
)  # fmt: skip
def test_a_bad_cell_is_reported_with_its_row_and_column(world, compound_a, column, value):
    report = run(
        world["clerk_a"], projects_file(project_row("P-001"), project_row("P-002", **{column: value}))
    )
    assert [(row, col) for row, col, _message in messages(report)] == [(3, column)]
    assert report.new == 1 and report.rejected == 1


def test_every_bad_cell_of_a_row_is_reported(world, compound_a):
    report = run(
        world["clerk_a"], projects_file(project_row("P-001", 计划年度=3000, 计划开工="明天", 项目库="x"))
    )
    assert {column for _row, column, _message in messages(report)} == {"计划年度", "计划开工", "项目库"}


def test_dates_are_read_from_date_cells_and_common_ways_of_writing(world, compound_a):
    rows = [
        project_row("P-1", 计划开工=datetime.datetime(2026, 4, 1), 计划完工="2026/10/31"),
        project_row("P-2", 计划开工="2026.4.1", 计划完工="2026年10月31日"),
    ]
    assert run(world["clerk_a"], projects_file(*rows), commit=True).committed
    assert set(Project.objects.values_list("planned_start", "planned_completion")) == {
        (datetime.date(2026, 4, 1), datetime.date(2026, 10, 31))
    }


def test_the_same_code_twice_in_one_file_is_refused_naming_the_first_row(world, compound_a):
    report = run(world["clerk_a"], projects_file(project_row("P-001"), project_row("P-001", 项目名称="重复")))
    [(row, column, message)] = messages(report)
    assert (row, column) == (3, "项目编号") and "2" in message


def test_nothing_is_saved_when_one_row_is_bad(world, compound_a):
    project = project_in(compound_a, code="P-000", name="原名")
    report = run(
        world["clerk_a"],
        projects_file(
            project_row("P-000", 项目名称="改名"), project_row("P-001"), project_row("P-002", 计划年度=1)
        ),
        commit=True,
    )
    assert not report.committed and report.rejected == 1
    assert Project.objects.count() == 1
    project.refresh_from_db()
    assert project.name == "原名"


def test_without_a_code_the_name_finds_the_project(world, compound_a):
    project = project_in(compound_a, code="", name="华光路片区改造")
    report = run(
        world["clerk_a"],
        projects_file(project_row("", 项目名称="华光路片区改造", 计划年度=2027)),
        commit=True,
    )
    assert (report.new, report.updated) == (0, 1), messages(report)
    project.refresh_from_db()
    assert project.plan_year == 2027


def test_the_stage_is_not_importable(world, compound_a):
    data = projects_file([*project_row("P-001"), "施工"], headers=[*PROJECT_HEADERS, "阶段"])
    report = run(world["clerk_a"], data)
    assert len(report.errors) == 1 and report.errors[0].row == 0
    assert "阶段" in report.errors[0].message


def test_a_missing_column_leaves_its_field_as_it_is(world, compound_a):
    project = project_in(compound_a, code="P-001", supervisor="丙监理")
    headers = [h for h in PROJECT_HEADERS if h != "监理单位"]
    row = [v for h, v in zip(PROJECT_HEADERS, project_row("P-001"), strict=True) if h != "监理单位"]
    assert run(world["clerk_a"], projects_file(row, headers=headers), commit=True).committed
    project.refresh_from_db()
    assert project.supervisor == "丙监理"


def test_the_plan_year_dates_the_deadlines(world, compound_a):
    city_policy(
        world.city, title="实施方案", effective_from=datetime.date(2020, 1, 1),
        built_before=datetime.date(2005, 12, 31), deadlines={"survey": {"kind": "year_before", "value": 10}},
    )  # fmt: skip
    run(world["clerk_a"], projects_file(project_row("P-001", 计划年度=2027)), commit=True)
    project = Project.objects.get()
    assert (project.next_milestone, project.next_due_on) == ("survey", datetime.date(2026, 10, 31))


# --- project items -------------------------------------------------------------------------------


@pytest.fixture
def project_a(world, compound_a):
    return project_in(compound_a, code="P-001")


def test_items_are_added_by_item_code_or_name_with_the_default_payer(world, project_a):
    report = run_items(
        world["clerk_a"],
        items_file(item_row(), item_row(item=None, 改造内容="二次供水设施改造", 数量=2, 出资方="居民")),
        commit=True,
    )
    assert report.committed, messages(report)
    water = project_a.items.get(item__code="water_supply")
    assert (water.quantity, water.estimated_cost, water.progress) == (
        Decimal("1200.00"),
        Decimal("360000.00"),
        0,
    )
    assert water.payer == RenovationItem.objects.get(code="water_supply").default_payer
    assert project_a.items.get(item__code="secondary_water_supply").payer == "residents"
    entry = AuditEntry.objects.get(object_id=str(project_a.pk), action=AuditEntry.Action.UPDATE)
    assert entry.changes["供水管网改造"] == {"added": "1200.00"}


def test_an_item_already_in_the_project_is_updated(world, project_a):
    run_items(world["clerk_a"], items_file(item_row()), commit=True)
    report = run_items(
        world["clerk_a"], items_file(item_row(**{"进度（%）": 40, "合同价（万元）": 35})), commit=True
    )
    assert (report.new, report.updated) == (0, 1), messages(report)
    row = project_a.items.get()
    assert (row.progress, row.bid_price) == (40, Decimal("350000.00"))
    again = run_items(world["clerk_a"], items_file(item_row(**{"进度（%）": 40, "合同价（万元）": 35})))
    assert again.unchanged == 1


def test_empty_cells_leave_an_existing_items_payer_and_progress_as_they_are(world, project_a):
    run_items(world["clerk_a"], items_file(item_row(**{"出资方": "居民", "进度（%）": 40})), commit=True)
    report = run_items(
        world["clerk_a"], items_file(item_row(**{"出资方": None, "进度（%）": None})), commit=True
    )
    assert not report.errors, messages(report)
    row = project_a.items.get()
    assert (row.payer, row.progress) == ("residents", 40)


def test_the_same_item_twice_in_one_file_is_refused_naming_both_rows(world, project_a):
    report = run_items(world["clerk_a"], items_file(item_row(), item_row(数量=5)), commit=True)
    [(row, column, message)] = messages(report)
    assert (row, column) == (3, "改造内容编码") and "2" in message
    assert not ProjectItem.objects.exists()


def test_a_retired_item_cannot_be_added_but_stays_editable_where_used(world, project_a):
    retired = renovation_item(active=False)
    report = run_items(world["clerk_a"], items_file(item_row(item=retired.code)))
    [(row, column, message)] = messages(report)
    assert (row, column) == (2, "改造内容编码") and retired.name in message
    ProjectItem.objects.create(project=project_a, item=retired, quantity=1, payer="government")
    report = run_items(world["clerk_a"], items_file(item_row(item=retired.code, 数量=3)), commit=True)
    assert report.updated == 1, messages(report)


def test_items_of_a_closed_project_are_refused(world, compound_a):
    project_in(compound_a, code="P-001", stage=Project.Stage.CLOSED)
    report = run_items(world["clerk_a"], items_file(item_row()), commit=True)
    assert messages(report)[0][:2] == (2, "项目编号")
    assert not ProjectItem.objects.exists()


def test_items_of_a_project_outside_the_users_area_are_refused(world, compound_b):
    project_in(compound_b, code="P-001")
    report = run_items(world["clerk_a"], items_file(item_row()))
    assert messages(report)[0][:2] == (2, "项目编号")


def test_bad_item_cells_are_each_reported(world, project_a):
    report = run_items(
        world["clerk_a"],
        items_file(
            item_row(数量=-1),
            item_row(item="no_such_item"),
            item_row(item="lift_installation", 改造内容="供水管网改造"),
            item_row(item=None),
            item_row(item="roof_repair", **{"进度（%）": 120, "出资方": "开发商"}),
        ),
    )
    assert sorted((row, column) for row, column, _m in messages(report)) == [
        (2, "数量"), (3, "改造内容编码"), (4, "改造内容"), (5, "改造内容编码"), (6, "出资方"), (6, "进度（%）"),
    ]  # fmt: skip


# --- export and round trips ----------------------------------------------------------------------


def test_export_then_import_round_trips(world, compound_a, compound_b):
    codeless = compound_in(world.community_a, code="", name="无编码小区")
    district = world["district"]
    rows = [
        project_row("P-001", "C-A1、C-B1", 项目名称="=危险名称", 施工单位="-某公司"),
        project_row("P-002", "C-A1", 计划开工=None, 项目库="实施"),
        project_row("", "无编码小区", 项目名称="无编号项目"),
    ]
    assert run(district, projects_file(*rows), commit=True).committed
    assert Project.objects.get(name="无编号项目").compounds.get() == codeless
    for export_format in ("xlsx", "csv"):
        data = export_content(
            user=district,
            kind="projects",
            queryset=Project.objects.restrict(district),
            export_format=export_format,
        )
        report = run(district, data, name=f"projects.{export_format}", commit=True)
        assert (report.new, report.updated, report.unchanged, report.rejected) == (0, 0, 3, 0), messages(
            report
        )


def test_items_export_then_import_round_trips(world, project_a):
    clerk = world["clerk_a"]
    rows = [item_row(), item_row(item="lift_installation", 数量=2, 出资方="多方共担", 备注="+加装")]
    assert run_items(clerk, items_file(*rows), commit=True).committed
    data = export_content(
        user=clerk, kind="project_items", queryset=ProjectItem.objects.restrict(clerk), export_format="csv"
    )
    report = run_items(clerk, data, name="items.csv", commit=True)
    assert (report.unchanged, report.rejected) == (2, 0), messages(report)


def test_the_project_list_exports_its_filtered_rows(world, client_for, compound_a, compound_b):
    project_in(compound_a, code="P-A", plan_year=2026)
    project_in(compound_a, code="P-A-2027", plan_year=2027)
    project_in(compound_b, code="P-B", plan_year=2026)
    response = client_for("clerk_a").get(reverse("projects:project_list") + "?plan_year=2026&export=csv")
    assert response.status_code == 200
    rows = response.content.decode("utf-8-sig").splitlines()
    assert rows[0].split(",")[:2] == ["项目编号", "项目名称"]
    assert [row.split(",")[0] for row in rows[1:]] == ["P-A"]
    page = client_for("clerk_a").get(reverse("projects:project_list"))
    assert b"export=xlsx" in page.content


# --- commands ------------------------------------------------------------------------------------


def test_import_data_projects_checks_then_commits(world, compound_a, tmp_path, capsys):
    path = tmp_path / "projects.xlsx"
    path.write_bytes(projects_file(project_row("P-001")))
    call_command("import_data", "projects", str(path), "--as", "clerk_a")
    assert "new 1, updated 0, unchanged 0, rejected 0 of 1 rows" in capsys.readouterr().out
    assert not Project.objects.exists()
    call_command("import_data", "projects", str(path), "--as", "clerk_a", "--commit")
    assert Project.objects.filter(code="P-001").exists()


def test_import_data_prints_rejected_rows_and_fails(world, compound_a, compound_b, tmp_path, capsys):
    path = tmp_path / "projects.xlsx"
    path.write_bytes(projects_file(project_row("P-001"), project_row("P-002", "C-B1")))
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_data", "projects", str(path), "--as", "clerk_a", "--commit")
    assert exit_info.value.code == 1
    assert "row 3\t小区编号\t" in capsys.readouterr().out
    assert not Project.objects.exists()


def test_export_data_then_import_data_changes_nothing(world, project_a, tmp_path, capsys):
    run_items(world["clerk_a"], items_file(item_row()), commit=True)
    for kind in ("projects", "project_items"):
        out = tmp_path / f"{kind}.csv"
        call_command("export_data", kind, "--as", "clerk_a", "--out", str(out))
        call_command("import_data", kind, str(out), "--as", "clerk_a")
        assert "new 0, updated 0, unchanged 1, rejected 0 of 1 rows" in capsys.readouterr().out


# --- cost ----------------------------------------------------------------------------------------


def _queries(action):
    with CaptureQueriesContext(connection) as queries:
        report = action()
    assert report.ok, messages(report)
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_rows(world):
    compounds = [compound_in(world.community_a, code=f"Q-{n:03d}") for n in range(100)]
    # The user's scope and grants are read once and kept on the user: read them before counting.
    run(world["clerk_a"], projects_file(project_row("WARM-UP", "Q-000")))
    run_items(world["clerk_a"], items_file(item_row("WARM-UP")))
    counts = {}
    for size, offset in ((10, 0), (50, 50)):
        chosen = compounds[offset : offset + size]
        projects = projects_file(*(project_row(f"N-{c.code}", c.code) for c in chosen))
        counts[("check", size)] = _queries(lambda data=projects: run(world["clerk_a"], data))
        counts[("commit", size)] = _queries(lambda data=projects: run(world["clerk_a"], data, commit=True))
        items = items_file(*(item_row(f"N-{c.code}") for c in chosen))
        counts[("items", size)] = _queries(lambda data=items: run_items(world["clerk_a"], data, commit=True))
        # Updates of every row: the same again with another quantity.
        items = items_file(*(item_row(f"N-{c.code}", 数量=7) for c in chosen))
        counts[("item updates", size)] = _queries(
            lambda data=items: run_items(world["clerk_a"], data, commit=True)
        )
        projects = projects_file(*(project_row(f"N-{c.code}", c.code, 项目名称="改名") for c in chosen))
        counts[("updates", size)] = _queries(lambda data=projects: run(world["clerk_a"], data, commit=True))
    for kind in ("check", "commit", "items", "item updates", "updates"):
        # SQLite takes at most 999 parameters a statement, so its bulk INSERT of 50 projects is two
        # statements; PostgreSQL writes them in one.
        assert counts[(kind, 10)] <= counts[(kind, 50)] <= counts[(kind, 10)] + 1, (kind, counts)


def test_csv_in_gbk_imports(world, compound_a):
    data = write_csv(PROJECT_HEADERS, [project_row("P-001")]).decode("utf-8-sig").encode("gbk")
    report = run(world["clerk_a"], data, name="项目.csv", commit=True)
    assert report.committed, messages(report)


def test_exported_project_cells_cannot_run_as_formulas(world, compound_a):
    from openpyxl import load_workbook

    project_in(compound_a, code="P-001", name="=HYPERLINK(1)")
    clerk = world["clerk_a"]
    data = export_content(
        user=clerk, kind="projects", queryset=Project.objects.restrict(clerk), export_format="xlsx"
    )
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.cell(2, PROJECT_HEADERS.index("项目名称") + 1).value == "'=HYPERLINK(1)"


# --- pages ---------------------------------------------------------------------------------------


def test_the_import_pages_check_and_commit_a_projects_file(world, client_for, compound_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from core.models import ImportBatch

    client = client_for("clerk_a")
    data = projects_file(project_row("P-001"))
    client.post("/imports/projects/new/", {"file": SimpleUploadedFile("项目.xlsx", data)})
    batch = ImportBatch.objects.get()
    assert batch.summary["new"] == 1 and batch.can_commit
    client.post(f"/imports/{batch.pk}/commit/")
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTED
    assert Project.objects.filter(code="P-001").exists()


@pytest.mark.parametrize(("kind", "headers", "drop_down"), [
    ("projects", PROJECT_HEADERS, '"储备,谋划,实施"'),
    ("project_items", ITEM_HEADERS, '"财政资金,地方财政预算,居民,专营单位,产权单位,通信运营企业,多方共担"'),
])  # fmt: skip
def test_the_templates_have_the_headers_and_drop_downs(world, client_for, kind, headers, drop_down):
    from openpyxl import load_workbook

    response = client_for("clerk_a").get(f"/imports/{kind}/template.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [cell.value for cell in sheet[1]] == headers
    assert drop_down in [rule.formula1 for rule in sheet.data_validations.dataValidation]
