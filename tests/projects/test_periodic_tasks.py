"""The daily tasks: policies coming into force, and files an aborted upload left behind."""

import datetime
import time

from django.core.files.base import ContentFile

from core.models import Job
from org.policy import policies_coming_into_force
from projects.archive.services import attachments_sweep_orphans
from projects.lifecycle.jobs import SCHEDULE_RECOMPUTE_JOB
from projects.models import Attachment
from projects.registry.jobs import ELIGIBILITY_RECOMPUTE_JOB
from tests.factories import attachment_in, city_policy, compound_in, project_in


def policy(world, effective_from):
    return city_policy(
        world.city, title="淄博市城镇老旧小区改造实施方案", document_number="淄政办字〔2027〕1号",
        effective_from=effective_from, built_before=datetime.date(2005, 12, 31),
    ).policy  # fmt: skip


def test_a_policy_taking_effect_today_starts_both_recomputations_of_its_city(
    world, django_capture_on_commit_callbacks
):
    policy(world, datetime.date(2027, 1, 1))
    policy(world, datetime.date(2026, 1, 1))
    assert policies_coming_into_force(on=datetime.date(2026, 12, 31)) == []
    assert not Job.objects.exists()

    with django_capture_on_commit_callbacks():
        assert policies_coming_into_force(on=datetime.date(2027, 1, 1)) == [world.city.pk]
    jobs = Job.objects.all()
    assert {job.kind for job in jobs} == {ELIGIBILITY_RECOMPUTE_JOB, SCHEDULE_RECOMPUTE_JOB}
    assert all(job.params == {"city": world.city.pk} and job.created_by is None for job in jobs)


def test_the_sweep_deletes_only_old_files_no_attachment_refers_to(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    project = project_in(compound_in(world.community_a))
    kept = attachment_in(project, world["clerk_a"])
    storage = Attachment._meta.get_field("file").storage
    orphan = storage.save(f"projects/{project.pk}/left-behind.pdf", ContentFile(b"%PDF-1.4"))
    # A file's time cannot be set back on a bucket: the sweep is asked for files older than a
    # moment, which the first ones are and the one stored after the pause is not (an S3 time is
    # kept to the second).
    time.sleep(2.5)
    young = storage.save(f"projects/{project.pk}/in-flight.pdf", ContentFile(b"%PDF-1.4"))

    assert attachments_sweep_orphans(older_than=datetime.timedelta(seconds=1.5)) == [orphan]
    assert not storage.exists(orphan)
    assert storage.exists(young) and storage.exists(kept.file.name)


def test_the_sweep_of_an_empty_archive_does_nothing(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    assert attachments_sweep_orphans() == []
