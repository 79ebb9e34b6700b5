"""Every create and action form of the portal saves once when it is sent twice (a double click, a
second tap): the form as rendered carries its one-time token; the same data and token posted again
create nothing and lead where the first did, saying so (core.submissions)."""

import datetime
import re

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEntry, ImportBatch
from org.models import CityPolicy
from projects.models import (
    Attachment,
    Compound,
    Finding,
    Inspection,
    ProgressReport,
    Project,
    ProjectItem,
    ProjectPrerequisite,
    RenovationItem,
)
from tests.factories import PDF_BYTES, city_policy, compound_in, finding_in, project_in
from tests.projects.conftest import compound_row

S = Project.Stage
TODAY = timezone.localdate()
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32
FORMS = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S)
ACTION = re.compile(r'action="([^"]*)"')
TOKEN = re.compile(r'name="submission_token" value="([0-9a-f]{32})"')
ALREADY_SENT = "此表单已经提交过，以下是第一次提交的结果。"


def token_of_form(page, url, action):
    """The token of the form on ``page`` (at ``url``) that posts to ``action``."""
    for attributes, body in FORMS.findall(page):
        posts_to = ACTION.search(attributes)
        if (posts_to.group(1) if posts_to else url) == action and 'method="post"' in attributes:
            return TOKEN.search(body).group(1)
    raise AssertionError(f"no form posting to {action} on {url}")


def under_construction(world):
    return project_in(
        compound_in(world.community_a), stage=S.CONSTRUCTION, started_on=TODAY - datetime.timedelta(days=60)
    )


def progress_report(world, **_):
    project = under_construction(world)
    url = reverse("projects:progressreport_add", args=[project.pk])
    data = {
        "reported_on": TODAY.isoformat(), "percent": 60, "investment_to_date": "180", "note": "",
        "photos": [SimpleUploadedFile("一号楼.jpg", JPEG_BYTES)],
    }  # fmt: skip
    return "clerk_a", url, url, data, (ProgressReport, Attachment)


def inspection(world, **_):
    project = under_construction(world)
    url = reverse("projects:inspection_add", args=[project.pk])
    data = {
        "inspected_on": TODAY.isoformat(), "inspector": "淄博市住建局督导组", "summary": "",
        "findings-TOTAL_FORMS": 1, "findings-INITIAL_FORMS": 0,
        "findings-0-description": "楼道堆物未清理", "findings-0-severity": "general",
        "findings-0-deadline": (TODAY + datetime.timedelta(days=10)).isoformat(),
    }  # fmt: skip
    return "city", url, url, data, (Inspection, Finding)


def finding_closure(world, **_):
    project = under_construction(world)
    finding = finding_in(project, description="施工围挡破损")
    data = {"closed_on": TODAY.isoformat(), "closure_note": "已更换围挡"}
    return (
        "district",
        project.get_absolute_url(),
        reverse("projects:finding_close", args=[finding.pk]),
        data,
        (),
    )


def upload(world, **_):
    project = under_construction(world)
    data = {
        "kind": "drawings",
        "file": SimpleUploadedFile("施工图.pdf", PDF_BYTES),
        "description": "总平面图",
    }
    action = reverse("projects:attachment_add", args=[project.pk])
    return "clerk_a", project.get_absolute_url(), action, data, (Attachment,)


def prerequisite(world, **_):
    city_policy(
        world.city, title="咸宁市城镇老旧小区改造“六个前置”工作机制", effective_from=datetime.date(2021, 1, 1),
        built_before=datetime.date(2000, 12, 31), prerequisites=["consultation"],
    )  # fmt: skip
    project = project_in(compound_in(world.community_a), stage=S.DECLARATION, plan_year=2027)
    data = {
        "met_on": TODAY.isoformat(),
        "note": "",
        "file": SimpleUploadedFile("协商议事记录.pdf", PDF_BYTES),
    }
    action = reverse("projects:prerequisite_record", args=[project.pk, "consultation"])
    return "clerk_a", project.get_absolute_url(), action, data, (ProjectPrerequisite, Attachment)


def import_upload(world, xlsx, **_):
    url = reverse("core:import_start", args=["compounds"])
    return (
        "clerk_a",
        url,
        url,
        {"file": SimpleUploadedFile("小区.xlsx", xlsx(compound_row("P-1")))},
        (ImportBatch,),
    )


def import_confirm(world, xlsx, client, **_):
    client.post(
        reverse("core:import_start", args=["compounds"]),
        {"file": SimpleUploadedFile("小区.xlsx", xlsx(compound_row("P-1")))},
    )
    batch = ImportBatch.objects.get()
    return (
        "clerk_a",
        batch.get_absolute_url(),
        reverse("core:importbatch_commit", args=[batch.pk]),
        {},
        (Compound,),
    )


def lifecycle_step(world, **_):
    project = project_in(compound_in(world.community_a), stage=S.SURVEY)
    action = reverse("projects:project_transition", args=[project.pk, "finish_survey"])
    return (
        "clerk_a",
        project.get_absolute_url(),
        action,
        {"finish_survey-survey_completed_on": TODAY.isoformat()},
        (),
    )


def compound_create(world, **_):
    url = reverse("projects:compound_add")
    data = {
        "community": world.community_a.pk, "name": "新建小区", "code": "", "year_built": 1990, "floor_area": "100",
        "building_count": 1, "household_count": 10, "property_management": "none", "origin": "other", "pool": "reserve",
    }  # fmt: skip
    return "clerk_a", url, url, data, (Compound,)


def project_create(world, **_):
    compound = compound_in(world.community_a, name="华光路小区")
    url = reverse("projects:project_add")
    return (
        "clerk_a",
        url,
        url,
        {"compounds": [compound.pk], "name": "华光路小区改造", "plan_year": 2026, "pool": "reserve"},
        (Project,),
    )


def item_grid(world, **_):
    project = project_in(compound_in(world.community_a), stage=S.DESIGN)
    url = reverse("projects:projectitem_grid", args=[project.pk])
    data = {
        "items-0-item": RenovationItem.objects.get(code="lighting").pk, "items-0-quantity": "36",
        "items-0-progress": 0, "items-TOTAL_FORMS": 1, "items-INITIAL_FORMS": 0,
        "items-MIN_NUM_FORMS": 0, "items-MAX_NUM_FORMS": 1000,
    }  # fmt: skip
    return "clerk_a", url, url, data, (ProjectItem,)


def policy_save(world, **_):
    from tests.org.test_policy_calendar import form_data

    url = reverse("org:citypolicy_add")
    return "city", url, url, form_data(world), (CityPolicy,)


CASES = {
    "progress report with a photo": progress_report,
    "inspection with a finding": inspection,
    "finding closed": finding_closure,
    "archive upload": upload,
    "prerequisite with its file": prerequisite,
    "import upload": import_upload,
    "import confirmed": import_confirm,
    "lifecycle step": lifecycle_step,
    "compound created": compound_create,
    "project created": project_create,
    "item grid saved": item_grid,
    "policy saved": policy_save,
}


def counts(models):
    return [model.objects.count() for model in (*models, AuditEntry)]


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_a_form_sent_twice_with_its_token_saves_once_and_leads_where_the_first_did(
    world, client_for, xlsx, settings, tmp_path, case
):
    settings.MEDIA_ROOT = tmp_path / "media"
    persona, page_url, action, data, models = case(world=world, xlsx=xlsx, client=client_for("clerk_a"))
    client = client_for(persona)
    before = counts(models)

    page = client.get(page_url)
    assert page.status_code == 200
    data = {**data, "submission_token": token_of_form(page.content.decode(), page_url, action)}
    first = client.post(action, data)
    assert first.status_code == 302, (
        first.context and first.context.get("form") and first.context["form"].errors
    )
    after_first = counts(models)
    assert after_first != before

    for value in data.values():  # the browser sends the same file again, from its start
        for file in value if isinstance(value, list) else [value]:
            if hasattr(file, "seek"):
                file.seek(0)
    second = client.post(action, data)

    assert counts(models) == after_first
    assert second.status_code == 302 and second["Location"] == first["Location"]
    assert ALREADY_SENT in [str(m) for m in get_messages(second.wsgi_request)]
