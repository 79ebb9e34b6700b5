"""The demo city's projects: one in every stage, some overdue, each carrying what its stage implies."""

import io
import re
import subprocess

import pytest
from django.core.management import call_command
from django.utils import timezone

from projects.demo.documents import DOCUMENTS
from projects.models import Attachment, Finding, Project
from projects.works.selectors import missing_basic_items


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("seed_demo", password="Demo#2026zb", stdout=io.StringIO())
    return {project.stage: project for project in Project.objects.all()}


def test_the_demo_city_has_a_project_in_every_stage_and_some_are_overdue(demo):
    assert set(demo) == set(Project.Stage.values)
    overdue = [project for project in demo.values() if project.is_overdue]
    assert 2 <= len(overdue) < len(demo)
    assert all(project.next_due_on is None for project in (demo["audit"], demo["closed"]))


def test_demo_projects_carry_what_their_stage_implies(demo):
    assert not demo["survey"].items.exists()
    assert demo["design"].items.exists() and not demo["design"].progress_reports.exists()
    construction = demo["construction"]
    assert construction.progress_reports.filter(photos__isnull=False).exists()
    assert Finding.objects.overdue().filter(inspection__project=construction).exists()
    assert missing_basic_items(construction), "the demo shows the 基础类应改尽改 warning"
    handover = demo["handover"]
    assert handover.attachments.filter(kind=Attachment.Kind.ACCEPTANCE).exists()
    assert handover.prerequisites.count() == 6
    # Facts never lie in the future.
    today = timezone.localdate()
    for project in demo.values():
        facts = [project.survey_completed_on, project.started_on, project.accepted_on, project.handed_over_on]
        assert all(day <= today for day in facts if day)
        assert all(report.reported_on <= today for report in project.progress_reports.all())


def test_the_declaration_project_waits_for_its_prerequisites(demo):
    from org.models import User
    from projects.lifecycle.transitions import blockers, next_transition

    project = demo["declaration"]
    reasons = blockers(next_transition(project), project, User.objects.get(username="city_admin"))
    # Its six prerequisites, and one of its compounds where only 55 % of households agree
    # (residents' demo).
    assert len(reasons) == 7


def test_seed_demo_twice_adds_no_project_or_record(demo):
    counts = (Project.objects.count(), Attachment.objects.count(), Finding.objects.count())
    call_command("seed_demo", password="Demo#2026zb", stdout=io.StringIO())
    assert (Project.objects.count(), Attachment.objects.count(), Finding.objects.count()) == counts


def test_demo_archive_pdfs_are_real_one_page_documents(demo, needs_poppler, tmp_path):
    pdfs = Attachment.objects.filter(filename__endswith=".pdf")
    assert pdfs.count() >= 5
    for attachment in pdfs:
        path = tmp_path / f"{attachment.pk}.pdf"
        path.write_bytes(attachment.file.read())
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
        assert re.search(r"^Pages:\s+1$", info, re.MULTILINE), (attachment.filename, info)
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
        assert DOCUMENTS[attachment.kind]["title"] in text.replace("\n", ""), attachment.filename
