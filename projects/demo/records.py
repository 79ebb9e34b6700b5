"""What the demo projects carry besides their stage: items, ticked prerequisites, progress reports
with photos, inspections and archived files, all written through the services."""

import datetime
import struct
import zlib
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from projects.archive.services import attachment_upload, prerequisite_record
from projects.models import Attachment, Prerequisite, Project, RenovationItem
from projects.works.services import (
    finding_close,
    inspection_create,
    progress_report_create,
    project_items_save,
)

from .attribution import recorded_as
from .documents import demo_document

# (item code, quantity, estimated yuan): the content of a typical 淄博 project.
DEMO_ITEMS = (
    ("water_supply", "1200", "420000"),
    ("drainage", "900", "380000"),
    ("power_supply", "800", "260000"),
    ("gas_pipeline", "650", "310000"),
    ("roads", "3200", "640000"),
    ("fire_hydrants", "12", "150000"),
    ("lift_installation", "2", "900000"),
    ("parking", "40", "200000"),
)
PREREQUISITE_NOTES = {
    Prerequisite.PARTY_ORGANISATION: "小区党支部已成立，街道党工委批复",
    Prerequisite.CONSULTATION: "召开居民议事会3次，形成会议纪要",
    Prerequisite.CONVENTION: "居民公约签订率92%",
    Prerequisite.ILLEGAL_STRUCTURES: "拆除违建12处，街道城管中队验收",
    Prerequisite.CONTRIBUTION: "居民出资协议签订率85%",
    Prerequisite.PROPERTY_MANAGEMENT: "业主大会通过物业服务合同",
}


def png(width=96, height=64, rgb=(90, 140, 200)):
    """A plain PNG photo placeholder, built without an imaging library."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\x00" + bytes(rgb) * width
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


def reached(project, stage):
    return project.stage_index >= list(Project.Stage.values).index(stage)


def tick_prerequisites(admin, project, day, kinds=None):
    for kind in kinds or Prerequisite.values:
        prerequisite_record(
            actor=admin, project=project, kind=kind, met_on=day, note=PREREQUISITE_NOTES[kind]
        )


def seed_items(admin, project, index):
    """Estimates once the survey is done; contract prices from construction; actual costs at the end."""
    items = {
        item.code: item for item in RenovationItem.objects.filter(code__in=[c for c, _q, _e in DEMO_ITEMS])
    }
    existing = {row.item.code: row.pk for row in project.items.select_related("item")}
    rows = []
    for code, quantity, estimated in DEMO_ITEMS[: 4 + index % 4]:
        if code not in items:
            continue
        estimated = Decimal(estimated)
        row = {"id": existing.get(code), "item": items[code], "quantity": Decimal(quantity),
               "estimated_cost": estimated, "progress": 0}  # fmt: skip
        if reached(project, Project.Stage.CONSTRUCTION):
            row.update(bid_price=(estimated * Decimal("0.93")).quantize(Decimal("0.01")), progress=60)
        if reached(project, Project.Stage.ACCEPTANCE):
            row.update(actual_cost=(estimated * Decimal("0.95")).quantize(Decimal("0.01")), progress=100)
        rows.append(row)
    project_items_save(actor=admin, project=project, rows=rows)


def upload(admin, project, kind, name, content=None, description=""):
    """A file of the project's archive: by default the demo's one-page PDF of its kind."""
    attachment_upload(
        actor=admin,
        project=project,
        kind=kind,
        upload=SimpleUploadedFile(name, content or demo_document(kind)),
        description=description,
    )


def seed_progress(admin, project, builder=None):
    """Three reports in the weeks after the start; the 100% one comes with completion."""
    for days, percent, note in (
        (10, 25, "管网开挖施工，已完成3栋楼"),
        (25, 45, "屋面防水完成"),
        (40, 60, "道路铺设中"),
    ):
        day = project.started_on + datetime.timedelta(days=days)
        report_progress(admin, project, day, percent, note, builder)


def report_progress(admin, project, day, percent, note, builder=None):
    if day > timezone.localdate():
        return
    estimated = sum((row.estimated_cost or 0 for row in project.items.all()), Decimal(0))
    with recorded_as(builder or admin, day, hour=16):  # reported on the day it names
        progress_report_create(
            actor=admin, project=project, reported_on=day, percent=percent,
            investment_to_date=(estimated * percent / 100).quantize(Decimal("0.01")), note=note,
            photos=[SimpleUploadedFile(f"现场照片{percent}.png", png(rgb=(80 + percent, 130, 190)))],
        )  # fmt: skip


def after_step(admin, project, action, index, *, as_city=None, as_builder=None):
    """What a real project would have recorded right after ``action`` on its way through; progress
    reads as the builder's (``as_builder``), inspections as the city's (``as_city``)."""
    if action == "finish_survey":
        seed_items(admin, project, index)
    elif action == "finish_design":
        upload(
            admin,
            project,
            Attachment.Kind.PLAN,
            f"{project.name.removesuffix('改造')}改造方案.pdf",
            description="初步设计方案及概算",
        )
    elif action == "approve":
        upload(
            admin, project, Attachment.Kind.APPROVAL, "联合审查批复.pdf", description=project.approval_number
        )
    elif action == "start_construction":
        upload(admin, project, Attachment.Kind.BIDDING, "中标通知书.pdf")
        seed_items(admin, project, index)
        seed_progress(admin, project, as_builder)
        seed_inspection(admin, project, as_city, as_builder)
    elif action == "complete_construction":
        seed_items(admin, project, index)
        report_progress(admin, project, project.completed_on, 100, "主体工程完工，具备验收条件", as_builder)
    elif action == "accept":
        upload(admin, project, Attachment.Kind.DRAWINGS, "竣工图.pdf")
        upload(admin, project, Attachment.Kind.ACCEPTANCE, "竣工验收记录.pdf")


def seed_inspection(admin, project, inspector=None, builder=None):
    """An inspection a month into construction: one finding closed; on this year's projects also a
    critical one still open and one asking for a basic item the project lacks (基础类应改尽改)."""
    day = project.started_on + datetime.timedelta(days=40)
    missing = RenovationItem.objects.filter(category__code="basic").exclude(
        pk__in=project.items.values("item")
    ).first()  # fmt: skip
    findings = [
        {
            "description": "施工现场围挡不完整",
            "severity": "general",
            "deadline": day + datetime.timedelta(days=7),
        },
    ]
    if project.plan_year >= timezone.localdate().year:  # a project still being built
        findings += [
            {"description": "消防通道被占用，需清理", "severity": "critical",
             "deadline": day + datetime.timedelta(days=15)},
            {"description": f"未纳入{missing.name}，居民反映强烈", "severity": "general",
             "requested_item": missing, "deadline": day + datetime.timedelta(days=30)},
        ]  # fmt: skip
    with recorded_as(inspector or admin, day, hour=14):
        inspection = inspection_create(
            actor=admin, project=project, inspected_on=day, inspector="淄博市住房和城乡建设局督导组",
            summary="市级督导检查：施工组织总体有序。", findings=findings,
        )  # fmt: skip
    first = inspection.findings.order_by("pk").first()
    with recorded_as(builder or admin, day + datetime.timedelta(days=5), hour=16):
        finding_close(
            actor=admin,
            finding=first,
            closed_on=day + datetime.timedelta(days=5),
            closure_note="已补齐围挡并拍照留档",
        )
