"""History reads as Chinese: every kind of change a project, a compound or a city policy records is
rendered on its page's 变更记录 and in the audit log with its field's label and its display value,
never an internal key ("added:", "closed_on:") or a choice's code ("party_organisation", "plan")."""

import datetime
import html
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from core.changes import change_lines
from core.importing import import_file
from core.models import AuditEntry
from core.spreadsheets import write_xlsx
from org.policy import citypolicy_update
from projects.archive.services import (
    attachment_delete,
    attachment_upload,
    prerequisite_clear,
    prerequisite_record,
)
from projects.lifecycle.importers import ProjectImporter
from projects.lifecycle.services import project_create, project_transition, project_update
from projects.models import Attachment, Compound, Prerequisite, Project
from projects.registry.services import compound_create, compound_delete, compound_update
from projects.works.importers import ProjectItemImporter
from projects.works.services import (
    finding_close,
    inspection_create,
    progress_report_create,
    project_items_save,
)
from tests.factories import PDF_BYTES, city_policy, renovation_item
from tests.projects.test_lifecycle import WALK

PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 32
# What may stay Latin in a Chinese history: file names and their extensions.
FILE_NAME = re.compile(r"[\w\-.]*\.(pdf|png|xlsx)", re.IGNORECASE)
# Codes a user types (HX-001) are upper case; internal keys and choice values are lower case.
LATIN_WORD = re.compile(r"(?<![A-Za-z])[a-z_]{2,}(?![A-Za-z])")
RAW_KEY = re.compile(r"[a-z_]+\s*[:：]")


def history_text(page):
    """The text of the page's 变更记录 card (or the audit log's table), tags stripped."""
    content = page.content.decode()
    marker = 'class="list-group list-group-flush history-list">'
    start = content.index(marker) + len(marker) if marker in content else 0
    end = content.index("</ul>\n</div>", start) if start else len(content)
    # Who did it and when: the test's personas have Latin user names.
    part = re.sub(r'<div class="small text-body-secondary">.*?</div>', " ", content[start:end])
    text = html.unescape(re.sub(r"<[^>]+>", " ", part))
    return re.sub(r"\s+", " ", text)


def assert_reads_chinese(text):
    assert not RAW_KEY.search(text), (RAW_KEY.search(text).group(), text)
    latin = LATIN_WORD.findall(FILE_NAME.sub("", text))
    assert not latin, f"internal keys or codes in the history: {latin}\n{text}"


@pytest.fixture
def policy(world):
    return city_policy(world.city, prerequisites=[Prerequisite.PARTY_ORGANISATION, Prerequisite.CONVENTION])


@pytest.fixture
def compound(world):
    return compound_create(
        actor=world["clerk_a"], community=world.community_a, code="HX-001", name="华光路小区",
        year_built=1995, floor_area=Decimal("12000"), building_count=4, household_count=120,
        property_management="none", origin="other", pool="reserve",
    )  # fmt: skip


def walk_and_record(world, project):
    """Every lifecycle step, with what a project records on the way."""
    clerk, city = world["clerk_a"], world["city"]
    for persona, action, inputs in WALK:
        if action == "declare":
            prerequisite_record(actor=clerk, project=project, kind=Prerequisite.PARTY_ORGANISATION,
                                met_on=datetime.date(2026, 2, 10), note="党支部已成立")  # fmt: skip
            prerequisite_record(
                actor=clerk, project=project, kind=Prerequisite.CONVENTION, met_on=datetime.date(2026, 2, 12),
                upload=SimpleUploadedFile("公约.pdf", PDF_BYTES),
            )  # fmt: skip
        project = project_transition(actor=world[persona], project=project, action=action, **inputs)
        if action == "start_construction":
            progress_report_create(
                actor=clerk, project=project, reported_on=datetime.date(2026, 5, 1), percent=30,
                investment_to_date=Decimal("90"), note="管网开挖",
                photos=[SimpleUploadedFile("现场.png", PNG_BYTES)],
            )  # fmt: skip
            inspection = inspection_create(
                actor=city, project=project, inspected_on=datetime.date(2026, 5, 10), inspector="市住建局督导组",
                findings=[{"description": "围挡不完整", "severity": "critical",
                           "deadline": datetime.date(2026, 5, 20)}],
            )  # fmt: skip
            finding_close(
                actor=city, finding=inspection.findings.get(), closed_on=datetime.date(2026, 5, 15),
                closure_note="已补齐围挡",
            )  # fmt: skip
    return project


def test_every_kind_of_project_change_reads_as_chinese_in_its_history_and_the_audit_log(
    world, client_for, policy, compound, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    clerk = world["clerk_a"]
    water, roads = (
        renovation_item(name="供水管网改造", unit="米"),
        renovation_item(name="道路改造", unit="平方米"),
    )
    project = project_create(
        actor=clerk, compounds=[compound], name="华光路片区改造", code="HX-2026-01", plan_year=2026,
        pool="reserve", contractor="", planned_start=datetime.date(2026, 4, 1),
    )  # fmt: skip
    project = project_update(
        actor=clerk, instance=project, contractor="淄博建工集团有限公司", pool="planning",
        planned_completion=datetime.date(2026, 10, 31),
    )  # fmt: skip
    project_items_save(actor=clerk, project=project, rows=[
        {"item": water, "quantity": Decimal("1200"), "estimated_cost": Decimal("420000"), "payer": "government"},
        {"item": roads, "quantity": Decimal("3200"), "estimated_cost": Decimal("90")},
    ])  # fmt: skip
    rows = {row.item_id: row.pk for row in project.items.all()}
    project_items_save(actor=clerk, project=project, rows=[
        {"id": rows[water.pk], "item": water, "quantity": Decimal("1300"), "estimated_cost": Decimal("450000"),
         "payer": "residents", "note": "加装"},
        {"id": rows[roads.pk], "delete": True},
    ])  # fmt: skip
    prerequisite_record(actor=clerk, project=project, kind=Prerequisite.CONVENTION, note="签订率92%")
    prerequisite_clear(actor=clerk, project=project, kind=Prerequisite.CONVENTION)
    upload = attachment_upload(
        actor=clerk,
        project=project,
        upload=SimpleUploadedFile("方案.pdf", PDF_BYTES),
        kind=Attachment.Kind.PLAN,
    )
    attachment_delete(actor=clerk, instance=upload)
    # An import that changes the project and its items, as a spreadsheet does.
    project_headers = [column.header for column in ProjectImporter.columns]
    cells = {"项目编号": "HX-2026-01", "项目名称": "华光路片区改造", "计划年度": 2026, "项目库": "储备",
             "实施主体": "车站街道办事处", "设计单位": "淄博市规划设计院", "施工单位": "淄博建工集团有限公司",
             "监理单位": "", "计划开工": "2026-04-02", "计划完工": "2026-10-31", "小区编号": "HX-001"}  # fmt: skip
    report = import_file(
        ProjectImporter(clerk), write_xlsx(project_headers, [[cells[h] for h in project_headers]]), "p.xlsx",
        commit=True,
    )  # fmt: skip
    assert report.updated == 1, [e.message for e in report.errors]
    item_cells = {"project": "HX-2026-01", "item_code": water.code, "quantity": 1400, "estimated_cost": 46,
                  "progress": 10, "note": "加装"}  # fmt: skip
    columns = ProjectItemImporter.columns
    report = import_file(
        ProjectItemImporter(clerk),
        write_xlsx([c.header for c in columns], [[item_cells.get(c.key) for c in columns]]),
        "items.xlsx",
        commit=True,
    )
    assert report.updated == 1, [e.message for e in report.errors]
    project = walk_and_record(world, Project.objects.get(pk=project.pk))

    entries = AuditEntry.objects.filter(object_id=str(project.pk))
    assert {e.action for e in entries} >= {"create", "update", "transition"}
    city = client_for("city")
    text = history_text(city.get(project.get_absolute_url()))
    assert_reads_chinese(text)
    for expected in (
        "施工单位：— → 淄博建工集团有限公司",
        "入库状态：储备 → 谋划",
        "计划完工日期：— → 2026-10-31",
        "供水管网改造：新增，数量：1200.00",
        "出资方：财政资金 → 居民",
        "道路改造：移除，原数量：3200.00",
        "备注：签订率92%",
        "照片：1 张",
        "万元",
        "销号日期：2026-05-15",
        "文件大小：45 字节",
        "进度（%）：0 → 10",
        "资料类型：改造方案",
        "前置条件：成立小区党组织",
        "批复日期：2026-03-18",
    ):
        assert expected in text, f"{expected!r} not in {text}"
    # The audit log: the model's name as the object type, and an edit's changes as its summary.
    log = client_for("auditor").get(
        reverse("core:auditentry_list"), {"object_id": project.pk, "per_page": 100}
    )
    log_text = history_text(log)
    assert "改造项目 | 改造项目" not in log_text
    assert "施工单位：— → 淄博建工集团有限公司" in log_text
    # The rows, without the test's Latin user names.
    table = log_text.split("摘要", 1)[-1].split("每页条数")[0]
    assert_reads_chinese(re.sub(r"(?<![a-z])(city|district|auditor)(?![a-z])", "", table))


def test_compound_create_edit_delete_and_a_policy_change_read_as_chinese(world, client_for, policy, compound):
    compound = compound_update(
        actor=world["clerk_a"], instance=compound, property_management="professional", in_shanty_town_area=True,
        **{f: getattr(compound, f) for f in ("community", "code", "name", "year_built", "floor_area",
                                             "building_count", "household_count", "origin", "pool")},
    )  # fmt: skip
    city = client_for("city")
    page = city.get(compound.get_absolute_url())
    text = history_text(page)
    assert_reads_chinese(text)
    assert "物业管理：无物业 → 专业物业" in text, text
    assert "位于棚户区改造范围：否 → 是" in text, text
    compound_delete(actor=world["city"], instance=Compound.objects.get(pk=compound.pk))
    deleted = AuditEntry.objects.get(action="delete", object_id=str(compound.pk))
    assert {line.label for line in change_lines(deleted)} >= {"名称", "物业管理", "入库状态"}
    assert "—" not in {line.text for line in change_lines(deleted)}  # a snapshot lists what it holds
    assert_reads_chinese("；".join(f"{line.label}：{line.text}" for line in change_lines(deleted)))

    citypolicy_update(
        actor=world["sysadmin"], instance=policy.policy, city=world.city, title=policy.policy.title,
        document_number=policy.policy.document_number, effective_from=policy.policy.effective_from,
        built_before=datetime.date(2000, 12, 31), exclude_shanty_town_areas=False, exclude_self_built_housing=True,
        prerequisites=[Prerequisite.PARTY_ORGANISATION, Prerequisite.PROPERTY_MANAGEMENT],
        prerequisites_block_plan=True, deadlines={"survey": {"kind": "plan_year", "value": 3}},
    )  # fmt: skip
    entry = AuditEntry.objects.filter(action="update", object_id=str(policy.policy.pk)).latest("id")
    text = "；".join(f"{line.label}：{line.text}" for line in change_lines(entry))
    assert_reads_chinese(text)
    assert "2000-12-31" in text, text
    assert str(Prerequisite.PROPERTY_MANAGEMENT.label) in text, text
    assert "完成需求调查：计划年度当年3月底前" in text, text


def test_an_export_names_what_was_exported_and_a_wrong_audit_date_is_refused(world, client_for, compound):
    city = client_for("city")
    city.get(reverse("projects:compound_list"), {"export": "csv", "pool": "reserve"})
    entry = AuditEntry.objects.filter(action="export").latest("id")
    assert str(entry.object_type()) == "小区"
    assert entry.object_repr == "入库状态：储备", entry.object_repr
    auditor = client_for("auditor")
    page = auditor.get(reverse("core:auditentry_list"), {"at_after": "29/11/2026"})
    content = page.content.decode()
    assert not list(page.context["object_list"])
    assert "2026-11-29" in content  # the refusal says how to write it
    assert 'type="date"' in content
    today = timezone.localdate().isoformat()
    assert list(auditor.get(reverse("core:auditentry_list"), {"at_after": today}).context["object_list"])


def test_entries_written_before_this_change_read_as_chinese_too(world):
    """Production keeps entries in every shape the services ever wrote; they read through the same
    fields and registry, with nothing to migrate."""
    from django.contrib.contenttypes.models import ContentType

    from projects.models import ProjectPolicy

    on = {model: ContentType.objects.get_for_model(model) for model in (Project, Compound, ProjectPolicy)}
    old_entries = [
        (Project, {"供水管网改造": {"added": "1200.00"}}, "供水管网改造：新增，数量：1200.00"),
        (Project, {"prerequisite": "party_organisation"}, "前置条件：成立小区党组织"),
        (
            Project,
            {"prerequisite": ["party_organisation", "convention"]},
            "前置条件：成立小区党组织、签订居民公约",
        ),
        (Project, {"finding": "围挡", "closed_on": "2026-11-29"}, "销号日期：2026-11-29"),
        (Project, {"attachment": "x.pdf", "kind": "plan"}, "资料类型：改造方案"),
        (Project, {"photos": 2}, "照片：2 张"),
        (Project, {"region_id": [str(world.street_a.pk), str(world.street_b.pk)]}, "车站街道 → 公园街道"),
        (Project, {"investment_to_date": "900000.00"}, "累计完成投资：90.00 万元"),
        (Project, {"permit_exempt": ["False", "True"]}, "否 → 是"),
        (Project, {"compounds": ["甲小区", "乙小区"]}, "小区：甲小区、乙小区"),
        (Project, {"compounds": [["甲小区"], ["甲小区", "乙小区"]]}, "小区：甲小区 → 甲小区、乙小区"),
        (Compound, {"building": "3号楼", "storeys": "6", "has_lift": "True"}, "楼栋号：3号楼"),
        (Compound, {"pool": ["reserve", "implementation"]}, "入库状态：储备 → 实施"),
        (ProjectPolicy, {"deadlines": {"survey": {"kind": "plan_year", "value": 3}}}, "计划年度当年3月底前"),
    ]
    for model, changes, expected in old_entries:
        entry = AuditEntry(content_type=on[model], changes=changes)
        text = "；".join(f"{line.label}：{line.text}" for line in change_lines(entry))
        assert expected in text, (changes, text)
        assert_reads_chinese(text)
