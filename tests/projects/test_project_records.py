"""What a project keeps on record as it goes: progress reports with photos, inspections (督导检查) and
their findings, the city's prerequisites (咸宁's 六个前置), and the archive of files — uploaded, checked,
downloaded only by those who see the project, and kept once the project is accepted."""

import datetime
import re
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from core import files
from core.models import AuditEntry
from core.uploads import upload_check
from projects.archive.selectors import archive_missing, prerequisite_checklist, prerequisites_missing
from projects.archive.services import (
    attachment_delete,
    attachment_upload,
    prerequisite_clear,
    prerequisite_record,
)
from projects.lifecycle.services import project_transition
from projects.models import (
    Attachment,
    Finding,
    Inspection,
    Prerequisite,
    ProgressReport,
    Project,
    ProjectPolicy,
    ProjectPrerequisite,
)
from projects.works.services import finding_close, inspection_create, progress_report_create
from tests.factories import (
    PDF_BYTES,
    attachment_in,
    city_policy,
    compound_in,
    finding_in,
    project_in,
    renovation_item,
)
from tests.helpers import queries_of
from tests.projects.test_project_items import add_items, row

S = Project.Stage
PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 32
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32
DOCX_BYTES = b"PK\x03\x04" + b"\x00" * 40
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
CJK = re.compile("[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def own_media(settings, tmp_path):
    """Each test its own archive folder, so a test can see exactly which files were stored."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(_own_media):
    """The names of the files stored by this test, on whichever storage it runs (its own folder, or
    its own prefix of the bucket)."""
    return sorted(name.rsplit("/", 1)[-1] for name, _modified in files.stored_files(default_storage))


def upload(name, content=PDF_BYTES):
    return SimpleUploadedFile(name, content)


def project_entries(project):
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Project), object_id=str(project.pk)
    ).order_by("id")


def refused(call, **kwargs):
    """The English messages of a refused service call."""
    with translation.override("en"), pytest.raises(ValidationError) as error:
        call(**kwargs)
    return " ".join(str(m) for m in error.value.messages)


def flashed(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def building(world):
    """A project of 车站街道 under construction for two months."""
    return project_in(
        compound_in(world.community_a), stage=S.CONSTRUCTION, name="华光路小区改造",
        started_on=TODAY - datetime.timedelta(days=60), contractor="淄博城市建设集团",
    )  # fmt: skip


# --- Progress ------------------------------------------------------------------------------------


def test_progress_is_reported_with_photos_kept_in_the_archive(world, building, own_media):
    report = progress_report_create(
        actor=world["clerk_a"], project=building, reported_on=TODAY - DAY, percent=45,
        investment_to_date=Decimal("1250000.00"), note="管网已完成，正在铺装路面",
        photos=[upload("路面.jpg", JPEG_BYTES), upload("管网.png", PNG_BYTES)],
    )  # fmt: skip
    report.refresh_from_db()
    assert (report.percent, report.investment_to_date, report.reported_by) == (
        45,
        Decimal("1250000.00"),
        world["clerk_a"],
    )
    photos = list(report.photos.order_by("filename"))
    assert [(p.filename, p.kind, p.project_id) for p in photos] == [
        ("管网.png", Attachment.Kind.PHOTO, building.pk),
        ("路面.jpg", Attachment.Kind.PHOTO, building.pk),
    ]
    assert photos[0].file.read() == PNG_BYTES
    assert len(stored_files(own_media)) == 2
    entry = project_entries(building).get()
    assert entry.changes["percent"] == 45 and entry.changes["photos"] == 2


def test_progress_is_reported_only_from_construction_until_handover(world):
    mismatches = []
    for stage in S:
        project = project_in(compound_in(world.community_a), stage=stage)
        try:
            progress_report_create(
                actor=world["clerk_a"], project=project, reported_on=TODAY, percent=10,
                investment_to_date=Decimal("0"),
            )  # fmt: skip
            reported = True
        except ValidationError:
            reported = False
        if reported != (stage in (S.CONSTRUCTION, S.ACCEPTANCE, S.HANDOVER)):
            mismatches.append(f"{stage}: reported={reported}")
    assert not mismatches, mismatches


@pytest.mark.parametrize(
    "reported_on, field",
    [(TODAY + DAY, "reported_on"), (TODAY - datetime.timedelta(days=61), "reported_on")],
    ids=["in the future", "before construction started"],
)
def test_a_progress_date_outside_the_works_is_refused(world, building, reported_on, field):
    with pytest.raises(ValidationError) as error:
        progress_report_create(
            actor=world["clerk_a"], project=building, reported_on=reported_on, percent=10,
            investment_to_date=Decimal("0"),
        )  # fmt: skip
    assert field in error.value.message_dict
    assert not ProgressReport.objects.exists()


def test_a_progress_photo_that_is_not_a_picture_refuses_the_report_and_stores_nothing(
    world, building, own_media
):
    message = refused(
        progress_report_create, actor=world["clerk_a"], project=building, reported_on=TODAY, percent=10,
        investment_to_date=Decimal("0"), photos=[upload("现场.jpg", JPEG_BYTES), upload("进度表.pdf")],
    )  # fmt: skip
    assert "进度表.pdf" in message
    assert not ProgressReport.objects.exists() and not Attachment.objects.exists()
    assert stored_files(own_media) == []


def test_a_street_clerk_of_another_street_cannot_report_progress(world, building):
    with pytest.raises(PermissionDenied):
        progress_report_create(
            actor=world["clerk_b"], project=building, reported_on=TODAY, percent=10,
            investment_to_date=Decimal("0"),
        )  # fmt: skip


def test_the_progress_page_takes_several_photos_at_once(world, client_for, building):
    response = client_for("clerk_a").post(
        reverse("projects:progressreport_add", args=[building.pk]),
        {
            "reported_on": TODAY.isoformat(), "percent": 60, "investment_to_date": "180", "note": "",
            "photos": [upload("一号楼.jpg", JPEG_BYTES), upload("二号楼.jpg", JPEG_BYTES)],
        },
    )  # fmt: skip
    assert response.status_code == 302
    assert response["Location"] == building.get_absolute_url() + "#progress"
    report = ProgressReport.objects.get()
    assert sorted(report.photos.values_list("filename", flat=True)) == ["一号楼.jpg", "二号楼.jpg"]

    page = client_for("clerk_a").get(building.get_absolute_url()).content.decode()
    section = page.split('id="progress"')[1].split('id="inspections"')[0]
    assert 'data-progress="60"' in section and "180.00" in section
    assert section.count('class="rounded border photo-thumb"') == 2


def test_a_progress_date_in_the_future_is_shown_on_the_form(world, client_for, building):
    response = client_for("clerk_a").post(
        reverse("projects:progressreport_add", args=[building.pk]),
        {"reported_on": (TODAY + DAY).isoformat(), "percent": 60, "investment_to_date": "180"},
    )
    assert response.status_code == 200
    assert response.context["form"].has_error("reported_on")
    assert not ProgressReport.objects.exists()


# --- Inspections and findings --------------------------------------------------------------------


def test_an_inspection_records_its_findings_and_their_deadlines(world, building):
    hydrant = renovation_item(name="室外消火栓")
    inspection = inspection_create(
        actor=world["district"], project=building, inspected_on=TODAY - DAY, inspector="张店区住建局督导组",
        summary="现场安全文明施工总体良好",
        findings=[
            {"description": "施工围挡破损", "severity": "general", "deadline": TODAY + 7 * DAY},
            {"description": "消火栓未纳入改造内容", "severity": "critical", "deadline": TODAY + 30 * DAY,
             "requested_item": hydrant},
        ],
    )  # fmt: skip
    findings = list(inspection.findings.order_by("deadline"))
    assert [(f.description, f.severity, f.closed_on) for f in findings] == [
        ("施工围挡破损", "general", None),
        ("消火栓未纳入改造内容", "critical", None),
    ]
    assert findings[1].requested_item == hydrant
    entry = project_entries(building).get()
    assert entry.actor == world["district"] and len(entry.changes["findings"]) == 2


def test_a_finding_due_before_the_inspection_refuses_the_whole_inspection(world, building):
    message = refused(
        inspection_create, actor=world["district"], project=building, inspected_on=TODAY - 3 * DAY,
        inspector="市住建局督导组",
        findings=[
            {"description": "施工围挡破损", "severity": "general", "deadline": TODAY},
            {"description": "渣土未覆盖", "severity": "general", "deadline": TODAY - 4 * DAY},
        ],
    )  # fmt: skip
    assert "Finding 2" in message and "Finding 1" not in message
    assert not Inspection.objects.exists() and not Finding.objects.exists()
    assert not project_entries(building).exists()


def test_an_inspection_in_the_future_is_refused(world, building):
    with pytest.raises(ValidationError) as error:
        inspection_create(
            actor=world["district"], project=building, inspected_on=TODAY + DAY, inspector="督导组"
        )
    assert "inspected_on" in error.value.message_dict
    assert not Inspection.objects.exists()


def test_street_clerks_do_not_inspect_their_own_projects(world, building):
    with pytest.raises(PermissionDenied):
        inspection_create(actor=world["clerk_a"], project=building, inspected_on=TODAY, inspector="自查")


def test_the_inspection_page_records_findings_and_skips_empty_rows(world, client_for, building):
    data = {
        "inspected_on": TODAY.isoformat(), "inspector": "淄博市住建局督导组", "summary": "",
        "findings-TOTAL_FORMS": 3, "findings-INITIAL_FORMS": 0,
        "findings-0-description": "楼道堆物未清理", "findings-0-severity": "general",
        "findings-0-deadline": (TODAY + 10 * DAY).isoformat(),
        # The browser posts the preselected severity of the rows left empty.
        "findings-1-severity": "general", "findings-2-severity": "general",
    }  # fmt: skip
    response = client_for("city").post(reverse("projects:inspection_add", args=[building.pk]), data)
    assert response.status_code == 302, response.context and response.context["form"].errors
    assert response["Location"] == building.get_absolute_url() + "#inspections"
    assert list(Finding.objects.values_list("description", flat=True)) == ["楼道堆物未清理"]


def test_the_inspection_page_keeps_the_input_when_a_deadline_is_before_the_visit(world, client_for, building):
    data = {
        "inspected_on": TODAY.isoformat(), "inspector": "淄博市住建局督导组",
        "findings-TOTAL_FORMS": 1, "findings-INITIAL_FORMS": 0,
        "findings-0-description": "楼道堆物未清理", "findings-0-severity": "general",
        "findings-0-deadline": (TODAY - DAY).isoformat(),
    }  # fmt: skip
    response = client_for("city").post(reverse("projects:inspection_add", args=[building.pk]), data)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert "楼道堆物未清理" in response.content.decode()
    assert not Inspection.objects.exists()


def test_closing_a_finding_records_when_and_how_it_was_put_right(world, building):
    finding = finding_in(building, deadline=TODAY + 5 * DAY)
    finding_close(
        actor=world["district"], finding=finding, closed_on=TODAY, closure_note="  已清理并张贴告示 "
    )
    finding.refresh_from_db()
    assert (finding.closed_on, finding.closure_note) == (TODAY, "已清理并张贴告示")
    assert project_entries(building).get().changes["closed_on"] == TODAY.isoformat()


@pytest.mark.parametrize(
    "closed_on, note, expected",
    [
        (TODAY + DAY, "已清理", "future"),
        (datetime.date(2026, 5, 31), "已清理", "before the inspection"),
        (TODAY, "   ", "put right"),
    ],
    ids=["in the future", "before the inspection", "without saying how"],
)
def test_a_finding_is_not_closed_on_a_bad_date_or_without_a_note(world, building, closed_on, note, expected):
    finding = finding_in(building)  # inspected on 2026-06-01
    message = refused(
        finding_close, actor=world["district"], finding=finding, closed_on=closed_on, closure_note=note
    )
    assert expected in message
    finding.refresh_from_db()
    assert finding.closed_on is None


def test_a_finding_is_closed_once(world, building):
    finding = finding_in(building)
    finding_close(actor=world["district"], finding=finding, closed_on=TODAY, closure_note="已清理")
    message = refused(
        finding_close, actor=world["city"], finding=finding, closed_on=TODAY, closure_note="再次"
    )
    assert "already closed" in message and TODAY.isoformat() in message
    finding.refresh_from_db()
    assert finding.closure_note == "已清理"


def test_findings_are_closed_by_inspectors_only(world, building):
    finding = finding_in(building)
    for persona in ("clerk_a", "clerk_b", "finance", "auditor"):
        with pytest.raises(PermissionDenied):
            finding_close(actor=world[persona], finding=finding, closed_on=TODAY, closure_note="已清理")
    finding.refresh_from_db()
    assert finding.closed_on is None
    elsewhere = finding_in(project_in(compound_in(world.community_b)))  # another street of the district
    finding_close(actor=world["district"], finding=elsewhere, closed_on=TODAY, closure_note="已清理")


def test_the_close_form_on_the_project_page_closes_the_finding(world, client_for, building):
    finding = finding_in(building, deadline=TODAY - DAY, description="施工围挡破损")
    client = client_for("district")
    page = client.get(building.get_absolute_url()).content.decode()
    item = page.split(f'data-finding="{finding.pk}"')[1].split("</li>")[0]
    assert "text-bg-danger" in item  # overdue
    assert reverse("projects:finding_close", args=[finding.pk]) in item

    response = client.post(
        reverse("projects:finding_close", args=[finding.pk]),
        {"closed_on": TODAY.isoformat(), "closure_note": "已更换围挡"},
    )
    assert response.status_code == 302
    assert response["Location"] == building.get_absolute_url() + "#inspections"
    finding.refresh_from_db()
    assert finding.closed_on == TODAY


def test_an_open_critical_finding_blocks_acceptance_until_it_is_closed(world):
    project = project_in(compound_in(world.community_a), stage=S.ACCEPTANCE)
    finding_in(project, description="消防通道未打通", severity="general", deadline=TODAY - DAY)
    critical = finding_in(project, description="燃气管道试压未通过", severity="critical")
    message = refused(
        project_transition, actor=world["city"], project=project, action="accept", accepted_on=TODAY
    )
    assert "燃气管道试压未通过" in message and "消防通道" not in message
    project.refresh_from_db()
    assert project.stage == S.ACCEPTANCE

    finding_close(actor=world["city"], finding=critical, closed_on=TODAY, closure_note="复试合格")
    project = project_transition(actor=world["city"], project=project, action="accept", accepted_on=TODAY)
    assert project.stage == S.HANDOVER


# --- Prerequisites (咸宁's 六个前置) --------------------------------------------------------------

XIANNING = [p.value for p in Prerequisite]


@pytest.fixture
def xianning(world):
    return city_policy(
        world.city, title="咸宁市城镇老旧小区改造“六个前置”工作机制", document_number="咸政办发〔2021〕12号",
        effective_from=datetime.date(2021, 1, 1), built_before=datetime.date(2000, 12, 31),
        prerequisites=XIANNING, prerequisites_block_plan=True,
    )  # fmt: skip


@pytest.fixture
def declaring(world):
    return project_in(compound_in(world.community_a), stage=S.DECLARATION, plan_year=2027)


def tick_all_but(project, user, *left):
    for kind in XIANNING:
        if kind not in left:
            prerequisite_record(actor=user, project=project, kind=kind, met_on=TODAY, note="见会议纪要")


def test_declaring_is_refused_while_a_prerequisite_is_unmet_and_allowed_once_all_are(
    world, xianning, declaring
):
    tick_all_but(declaring, world["clerk_a"], "convention", "property_management")
    message = refused(
        project_transition, actor=world["district"], project=declaring, action="declare", declared_on=TODAY
    )
    with translation.override("en"):
        unmet = [Prerequisite.CONVENTION.label, Prerequisite.PROPERTY_MANAGEMENT.label]
        assert all(str(label) in message for label in unmet), message
        assert str(Prerequisite.CONSULTATION.label) not in message
    assert prerequisites_missing(declaring, blocking_only=True) == [
        Prerequisite.CONVENTION.label,
        Prerequisite.PROPERTY_MANAGEMENT.label,
    ]

    prerequisite_record(actor=world["clerk_a"], project=declaring, kind="convention", note="居民公约已签订")
    prerequisite_record(
        actor=world["clerk_a"],
        project=declaring,
        kind="property_management",
        upload=upload("物业服务协议.pdf"),
    )
    project = project_transition(
        actor=world["district"], project=declaring, action="declare", declared_on=TODAY
    )
    assert project.stage == S.REVIEW


def test_the_project_page_names_the_unmet_prerequisites_under_the_declare_step(
    world, client_for, xianning, declaring
):
    tick_all_but(declaring, world["clerk_a"], "contribution")
    page = client_for("district").get(declaring.get_absolute_url()).content.decode()
    blockers = page.split('id="step-blockers"')[1].split("</ul>")[0]
    assert blockers.count("<li>") == 1 and str(Prerequisite.CONTRIBUTION.label) in blockers
    assert 'type="submit" class="btn btn-primary" disabled' in page.split('id="next-step"')[1]


def test_a_checklist_that_does_not_block_the_plan_lets_the_project_be_declared(world, xianning, declaring):
    ProjectPolicy.objects.filter(pk=xianning.pk).update(prerequisites_block_plan=False)
    assert len(prerequisites_missing(declaring)) == 6
    assert prerequisites_missing(declaring, blocking_only=True) == []
    project = project_transition(
        actor=world["district"], project=declaring, action="declare", declared_on=TODAY
    )
    assert project.stage == S.REVIEW


def test_the_checklist_follows_the_citys_order_and_shows_what_is_met(world, xianning, declaring):
    ProjectPolicy.objects.filter(pk=xianning.pk).update(prerequisites=["contribution", "party_organisation"])
    met = prerequisite_record(
        actor=world["clerk_a"], project=declaring, kind="party_organisation", note="已成立"
    )
    checklist = prerequisite_checklist(world["clerk_a"], declaring)
    assert checklist == [(Prerequisite.CONTRIBUTION, None), (Prerequisite.PARTY_ORGANISATION, met)]


def test_a_prerequisite_is_met_with_a_file_kept_in_the_archive(world, xianning, declaring, own_media):
    tick = prerequisite_record(
        actor=world["clerk_a"], project=declaring, kind="illegal_structures", met_on=TODAY - DAY,
        upload=upload("违建拆除验收单.pdf"),
    )  # fmt: skip
    assert (tick.met_on, tick.note, tick.recorded_by) == (TODAY - DAY, "", world["clerk_a"])
    assert tick.evidence.filename == "违建拆除验收单.pdf" and tick.evidence.project == declaring
    assert tick.evidence.file.read() == PDF_BYTES

    # Recorded again with a note: the earlier file stays its evidence.
    again = prerequisite_record(
        actor=world["clerk_a"], project=declaring, kind="illegal_structures", note="复核"
    )
    assert again.pk == tick.pk and again.evidence == tick.evidence and again.note == "复核"
    assert ProjectPrerequisite.objects.count() == 1


@pytest.mark.parametrize(
    "inputs, expected",
    [
        ({"kind": "convention"}, "note or a file"),
        ({"kind": "convention", "note": "已签订", "met_on": TODAY + DAY}, "future"),
        ({"kind": "free_lunch", "note": "?"}, "Unknown prerequisite"),
        ({"kind": "convention", "upload": SimpleUploadedFile("公约.exe", b"MZ\x90\x00")}, "公约.exe"),
    ],
    ids=["no evidence", "in the future", "unknown", "a file the archive refuses"],
)
def test_a_prerequisite_without_good_evidence_is_not_recorded(world, xianning, declaring, inputs, expected):
    message = refused(prerequisite_record, actor=world["clerk_a"], project=declaring, **inputs)
    assert expected in message
    assert not ProjectPrerequisite.objects.exists() and not Attachment.objects.exists()


def test_a_prerequisite_can_be_unticked_until_the_project_is_declared(world, xianning):
    for stage in (S.SURVEY, S.DESIGN, S.DECLARATION):
        project = project_in(compound_in(world.community_a), stage=stage)
        prerequisite_record(actor=world["clerk_a"], project=project, kind="convention", note="已签订")
        prerequisite_clear(actor=world["clerk_a"], project=project, kind="convention")
        assert not ProjectPrerequisite.objects.filter(project=project).exists(), stage

    declared = project_in(compound_in(world.community_a), stage=S.REVIEW)
    prerequisite_record(actor=world["clerk_a"], project=declared, kind="convention", note="已签订")
    assert "declared" in refused(
        prerequisite_clear, actor=world["clerk_a"], project=declared, kind="convention"
    )
    assert ProjectPrerequisite.objects.filter(project=declared).exists()


def test_the_project_page_records_a_prerequisite_with_a_file(world, client_for, xianning, declaring):
    client = client_for("clerk_a")
    page = client.get(declaring.get_absolute_url()).content.decode()
    assert re.findall(r'data-prerequisite="(\w+)"', page) == XIANNING

    response = client.post(
        reverse("projects:prerequisite_record", args=[declaring.pk, "consultation"]),
        {"met_on": TODAY.isoformat(), "note": "", "file": upload("协商议事记录.pdf")},
    )
    assert response.status_code == 302
    assert response["Location"] == declaring.get_absolute_url() + "#prerequisites"
    tick = ProjectPrerequisite.objects.get(project=declaring, kind="consultation")
    page = client.get(declaring.get_absolute_url()).content.decode()
    ticked = page.split('data-prerequisite="consultation"')[1].split("</li>")[0]
    assert tick.evidence.get_download_url() in ticked
    assert reverse("projects:prerequisite_clear", args=[declaring.pk, "consultation"]) in ticked

    response = client.post(reverse("projects:prerequisite_clear", args=[declaring.pk, "consultation"]))
    assert response.status_code == 302
    assert not ProjectPrerequisite.objects.exists()
    assert Attachment.objects.filter(pk=tick.evidence_id).exists()  # the file stays in the archive


def test_a_prerequisite_posted_without_evidence_goes_back_with_the_reason(
    world, client_for, xianning, declaring
):
    response = client_for("clerk_a").post(
        reverse("projects:prerequisite_record", args=[declaring.pk, "consultation"]),
        {"met_on": TODAY.isoformat(), "note": ""},
    )
    assert response.status_code == 302
    assert len(flashed(response)) == 1
    assert not ProjectPrerequisite.objects.exists()


# --- Checking an upload --------------------------------------------------------------------------


def check(name, content, **kwargs):
    with translation.override("en"):
        try:
            return upload_check(SimpleUploadedFile(name, content), **kwargs)
        except ValidationError as error:
            return " ".join(error.messages)


def test_files_of_the_accepted_types_with_matching_content_pass():
    assert check("方案.PDF", PDF_BYTES) == "pdf"
    assert check("现场.jpeg", JPEG_BYTES) == "jpeg"
    assert check("预算.docx", DOCX_BYTES) == "docx"
    assert check("施工图.dwg", b"AC1032" + b"\x00" * 20) == "dwg"
    assert check("照片.png", PNG_BYTES, photo=True) == "png"


def test_a_file_whose_content_does_not_match_its_extension_is_refused_naming_it():
    assert check("验收报告.pdf", PNG_BYTES) == "“验收报告.pdf” does not look like a .pdf file."
    assert check("预算.xlsx", PDF_BYTES) == "“预算.xlsx” does not look like a .xlsx file."


def test_a_file_of_a_type_not_on_the_list_is_refused_naming_it_and_the_list(settings):
    message = check("setup.exe", b"MZ\x90\x00")
    assert message.startswith("“setup.exe”") and "pdf" in message
    settings.ATTACHMENT_EXTENSIONS = ["pdf"]
    assert check("预算.docx", DOCX_BYTES).startswith("“预算.docx”")
    assert check("方案.pdf", PDF_BYTES) == "pdf"


def test_only_pictures_are_accepted_as_photos():
    assert check("现场.pdf", PDF_BYTES, photo=True).startswith("“现场.pdf”")


def test_an_empty_or_oversize_file_is_refused(settings):
    assert check("空白.pdf", b"") == "“空白.pdf” is empty."
    settings.ATTACHMENT_MAX_BYTES = 1024
    message = check("扫描件.pdf", PDF_BYTES + b"\x00" * 1024)
    assert message.startswith("“扫描件.pdf” is 1.0") and message.endswith(
        "the largest file accepted is 1.0\xa0KB."
    )
    assert check("扫描件.pdf", PDF_BYTES + b"\x00" * (1024 - len(PDF_BYTES))) == "pdf"


# --- The archive ---------------------------------------------------------------------------------


def test_an_upload_is_stored_under_a_random_name_and_recorded(world, building, own_media):
    attachment = attachment_upload(
        actor=world["clerk_a"], project=building, upload=upload("../../改造方案.pdf"), kind="plan",
        description="报审稿",
    )  # fmt: skip
    assert (attachment.filename, attachment.kind, attachment.size) == ("改造方案.pdf", "plan", len(PDF_BYTES))
    assert (
        attachment.file.name.startswith(f"projects/{building.pk}/") and "改造方案" not in attachment.file.name
    )
    assert stored_files(own_media) == [attachment.file.name.rsplit("/", 1)[1]]
    assert project_entries(building).get().changes == {
        "attachment": "改造方案.pdf",
        "kind": "plan",
        "size": len(PDF_BYTES),
    }


def test_the_project_page_uploads_a_file_and_its_readers_download_it(world, client_for, building):
    client = client_for("clerk_a")
    response = client.post(
        reverse("projects:attachment_add", args=[building.pk]),
        {"kind": "drawings", "file": upload("施工图.pdf"), "description": "总平面图"},
    )
    assert response.status_code == 302
    assert response["Location"] == building.get_absolute_url() + "#attachments"
    attachment = Attachment.objects.get()
    assert (attachment.kind, attachment.description, attachment.uploaded_by) == (
        "drawings",
        "总平面图",
        world["clerk_a"],
    )

    for persona in ("clerk_a", "auditor", "leader"):
        response = client_for(persona).get(attachment.get_download_url())
        assert response.status_code == 200, persona
        assert response["Content-Disposition"].startswith("attachment;")
        assert "filename*=utf-8''%E6%96%BD%E5%B7%A5%E5%9B%BE.pdf" in response["Content-Disposition"]
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content) == PDF_BYTES
    assert client_for("clerk_b").get(attachment.get_download_url()).status_code == 404
    assert client_for("anonymous").get(attachment.get_download_url()).status_code == 302


def test_photos_and_pdfs_show_inline_when_asked_and_other_files_always_download(world, client_for, building):
    photo = attachment_in(building, world["clerk_a"], kind="photo", name="现场.jpg", content=JPEG_BYTES)
    plan = attachment_in(building, world["clerk_a"])
    sheet = attachment_in(building, world["clerk_a"], kind="other", name="清单.xlsx", content=b"PK\x03\x04")
    client = client_for("district")
    response = client.get(photo.get_download_url(), {"inline": "1"})
    assert response["Content-Disposition"].startswith("inline;") and response["Content-Type"] == "image/jpeg"
    assert "sandbox" in response["Content-Security-Policy"]
    response = client.get(plan.get_download_url(), {"inline": "1"})
    assert (
        response["Content-Disposition"].startswith("inline;")
        and response["Content-Type"] == "application/pdf"
    )
    # Chrome's PDF viewer does not start in a sandboxed document.
    assert "sandbox" not in response["Content-Security-Policy"]
    assert client.get(plan.get_download_url())["Content-Disposition"].startswith("attachment;")
    response = client.get(sheet.get_download_url(), {"inline": "1"})
    assert response["Content-Disposition"].startswith("attachment;")
    assert "sandbox" in response["Content-Security-Policy"]


def test_a_pdf_that_is_really_a_png_is_refused_in_chinese_naming_it_and_nothing_is_kept(
    world, client_for, building, own_media
):
    response = client_for("clerk_a").post(
        reverse("projects:attachment_add", args=[building.pk]),
        {"kind": "acceptance", "file": upload("acceptance-scan.pdf", PNG_BYTES)},
    )
    assert response.status_code == 302
    assert response["Location"] == building.get_absolute_url() + "#attachments"
    (message,) = flashed(response)
    assert "acceptance-scan.pdf" in message and CJK.search(message), message
    assert not Attachment.objects.exists()
    assert stored_files(own_media) == []
    assert not project_entries(building).exists()


def test_an_oversize_upload_is_refused_and_nothing_is_kept(world, client_for, building, own_media, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    response = client_for("clerk_a").post(
        reverse("projects:attachment_add", args=[building.pk]),
        {"kind": "plan", "file": upload("big-plan.pdf", PDF_BYTES + b"\x00" * 2048)},
    )
    assert response.status_code == 302
    (message,) = flashed(response)
    assert "big-plan.pdf" in message and CJK.search(message), message
    assert not Attachment.objects.exists() and stored_files(own_media) == []


def test_removing_a_file_deletes_it_from_storage_once_the_removal_is_committed(
    world, building, own_media, django_capture_on_commit_callbacks
):
    attachment = attachment_in(building, world["clerk_a"])
    assert len(stored_files(own_media)) == 1
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        attachment_delete(actor=world["clerk_a"], instance=attachment)
        assert not Attachment.objects.exists()
        assert len(stored_files(own_media)) == 1  # not before the commit
    for callback in callbacks:
        callback()
    assert stored_files(own_media) == []
    assert project_entries(building).get().changes == {"attachment": "改造方案.pdf", "kind": "plan"}


def test_the_archive_of_an_accepted_project_is_kept_as_it_is(world, client_for, own_media):
    project = project_in(compound_in(world.community_a), stage=S.HANDOVER, accepted_on=TODAY - DAY)
    attachment = attachment_in(project, world["clerk_a"], kind="acceptance", name="竣工验收报告.pdf")
    assert "accepted" in refused(attachment_delete, actor=world["city"], instance=attachment)

    response = client_for("city").post(reverse("projects:attachment_delete", args=[attachment.pk]))
    assert response.status_code == 302 and len(flashed(response)) == 1
    assert Attachment.objects.filter(pk=attachment.pk).exists() and len(stored_files(own_media)) == 1
    page = client_for("city").get(project.get_absolute_url()).content.decode()
    assert reverse("projects:attachment_delete", args=[attachment.pk]) not in page


def test_removing_the_evidence_of_a_prerequisite_unticks_it(world, xianning, declaring, own_media):
    tick = prerequisite_record(
        actor=world["clerk_a"], project=declaring, kind="convention", upload=upload("居民公约.pdf")
    )
    assert attachment_delete(actor=world["clerk_a"], instance=tick.evidence) == [Prerequisite.CONVENTION]
    assert not ProjectPrerequisite.objects.filter(pk=tick.pk).exists()
    assert not Attachment.objects.filter(pk=tick.evidence_id).exists()

    # With a note as well: the file was its evidence, so the tick goes with it too.
    tick = prerequisite_record(
        actor=world["clerk_a"], project=declaring, kind="convention", note="公约已张贴",
        upload=upload("公约.pdf"),
    )  # fmt: skip
    attachment_delete(actor=world["clerk_a"], instance=tick.evidence)
    assert not ProjectPrerequisite.objects.filter(project=declaring).exists()


def test_the_project_page_removes_a_file(world, client_for, building, django_capture_on_commit_callbacks):
    attachment = attachment_in(building, world["clerk_a"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("clerk_a").post(reverse("projects:attachment_delete", args=[attachment.pk]))
    assert response.status_code == 302
    assert response["Location"] == building.get_absolute_url() + "#attachments"
    assert not Attachment.objects.exists()


def test_the_acceptance_step_names_what_the_archive_still_lacks(world, client_for):
    project = project_in(compound_in(world.community_a), stage=S.ACCEPTANCE)
    for kind in ("plan", "drawings", "approval", "photo"):
        attachment_in(project, world["clerk_a"], kind=kind)
    with translation.override("en"):
        assert [str(label) for label in archive_missing(project)] == [
            "bidding documents",
            "acceptance record",
        ]
    page = client_for("city").get(project.get_absolute_url()).content.decode()
    assert 'id="step-warnings"' in page
    missing = page.split('id="step-warnings"')[1].split("</div>")[0]
    assert str(Attachment.Kind.ACCEPTANCE.label) in missing and str(Attachment.Kind.PLAN.label) not in missing


# --- The project page stays cheap ----------------------------------------------------------------


def test_the_project_page_runs_as_many_queries_for_five_records_of_each_kind_as_for_one(
    world, client_for, xianning
):
    codes = ["water_supply", "lighting", "lift_installation", "parking", "elderly_care"]

    def project_with(n):
        project = project_in(
            compound_in(world.community_a),
            stage=S.CONSTRUCTION,
            started_on=TODAY - 30 * DAY,
            contractor="城建",
        )
        add_items(project, *(row(code, "10", estimated="1000") for code in codes[:n]))
        for i in range(n):
            progress_report_create(
                actor=world["clerk_a"], project=project, reported_on=TODAY - i * DAY, percent=10 + i,
                investment_to_date=Decimal("1000"), photos=[upload(f"现场{i}.jpg", JPEG_BYTES)],
            )  # fmt: skip
            finding = finding_in(project, requested_item=renovation_item(), description=f"问题{i}")
            finding_in(project, deadline=TODAY - DAY)
            attachment_in(project, world["clerk_a"], kind="plan", name=f"方案{i}.pdf")
            prerequisite_record(
                actor=world["clerk_a"], project=project, kind=XIANNING[i], upload=upload(f"证明{i}.pdf")
            )
            assert finding.inspection.project_id == project.pk
        return project

    client = client_for("district")
    one, five = project_with(1), project_with(5)
    queries_of(client, one.get_absolute_url())  # warm caches: content types, session
    with_one = queries_of(client, one.get_absolute_url())
    with_five = queries_of(client, five.get_absolute_url())
    assert with_one == with_five, f"{with_one} queries for one of each, {with_five} for five"
