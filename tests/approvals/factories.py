"""A request made straight in the database, for pages tested without a registered subject (the
permission table): a one-stage flow of the city, decided by the subject's street office."""

from django.utils import timezone

from approvals.models import ApprovalRequest, Assignment, Flow, FlowVersion, Stage, StageActor, Step
from org.models import Organisation


def pending_request_in(street, submitter):
    """A pending request on a new community of ``street`` (a Region), waiting for its street office."""
    community = _new_community(street)
    city = street.parent.parent
    flow, _created = Flow.objects.get_or_create(
        city=city, code=Flow.Code.DISBURSEMENT, defaults={"name": "资金拨付审核"}
    )
    version, created = FlowVersion.objects.get_or_create(
        flow=flow, number=1, defaults={"published_at": timezone.now()}
    )
    if created:
        stage = Stage.objects.create(version=version, order=1, name="街道审核", deadline_days=5)
        StageActor.objects.create(stage=stage, kind=Organisation.Kind.STREET_OFFICE)
    stage = version.stages.get()
    request = ApprovalRequest.objects.create(
        content_type_id=_region_type(), object_id=str(community.pk), subject_repr=community.name,
        region_path=community.path, flow=flow, flow_version=version, state=ApprovalRequest.State.PENDING,
        current_stage=stage, round=1, submitter=submitter,
        submitter_organisation_id=submitter.organisation_id, submitted_at=timezone.now(),
        due_on=timezone.localdate(),
    )  # fmt: skip
    Step.objects.create(
        request=request, round=1, actor=submitter, actor_organisation_id=submitter.organisation_id,
        action=Step.Action.SUBMIT, opinion="请审核",
    )  # fmt: skip
    Assignment.objects.create(
        request=request, stage=stage, round=1, organisation=Organisation.objects.get(region=community.parent)
    )
    return request


def request_attachment_on(request, *, name="改造方案.pdf", content=b"%PDF-1.4\n%%EOF\n"):
    """A file sent with ``request``'s submission, stored directly."""
    import hashlib

    from django.core.files.base import ContentFile

    from approvals.models import RequestAttachment

    step = request.steps.get(action=Step.Action.SUBMIT)
    attachment = RequestAttachment(
        request=request, step=step, round=1, filename=name, size=len(content),
        sha256=hashlib.sha256(content).hexdigest(), uploaded_by=step.actor,
    )  # fmt: skip
    attachment.file.save(name, ContentFile(content), save=False)
    attachment.save()
    return attachment


def _new_community(street):
    from org.models import Region

    count = Region.objects.count()
    community = Region(
        code=f"{street.code}8{count:02d}",
        name=f"审批社区{count}",
        level=Region.Level.COMMUNITY,
        parent=street,
    )
    community.path = community.build_path()
    community.save()
    return community


def _region_type():
    from django.contrib.contenttypes.models import ContentType

    from org.models import Region

    return ContentType.objects.get_for_model(Region).pk
