"""The demo's history reads like the months it depicts: each entry dated on the day it records and
by whoever would have done it, and every project's 变更记录 in Chinese."""

import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.utils import timezone

from core.models import AuditEntry
from org.models import User
from projects.models import Project
from tests.projects.test_history_text import assert_reads_chinese, history_text


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("seed_demo", password="Demo#2026zb", stdout=io.StringIO())
    return {project.stage: project for project in Project.objects.all()}


def project_entries(project):
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Project), object_id=str(project.pk)
    ).order_by("at", "id")


def test_the_demo_history_is_dated_and_signed_as_it_would_have_happened(demo, client):
    construction = demo["construction"]
    entries = list(project_entries(construction))
    # Progress on the day it reports, by the street's clerk; the city's inspection by the city.
    for report in construction.progress_reports.all():
        entry = next(e for e in entries if e.changes.get("reported_on") == report.reported_on.isoformat())
        assert timezone.localtime(entry.at).date() == report.reported_on
        # 科苑街道 has no clerk among the demo accounts: 张店区's staff run its project.
        assert entry.actor_name == "李明" and entry.actor.username == "district_staff"
    inspection = construction.inspections.get()
    entry = next(e for e in entries if "findings" in e.changes)
    assert timezone.localtime(entry.at).date() == inspection.inspected_on
    assert entry.actor.username == "city_admin"
    approval = next(e for e in entries if e.action == "transition" and "approved_on" in e.changes)
    assert approval.actor.username == "city_admin"
    assert timezone.localtime(approval.at).date().isoformat() == approval.changes["approved_on"]
    # Spread over the months the projects took, not all at the minute of seeding.
    days = {timezone.localtime(e.at).date() for e in AuditEntry.objects.filter(content_type__model="project")}
    assert len(days) > 30
    assert max(days) <= timezone.localdate()
    # A project of 公园街道 was prepared by that street's clerk.
    review = demo["review"]
    assert project_entries(review).first().actor.username == "street_clerk_b"

    client.force_login(User.objects.get(username="city_admin"))
    for project in demo.values():
        assert_reads_chinese(history_text(client.get(project.get_absolute_url())))
