"""Approval flows as data (flow → version → stages and who acts), the requests running through them,
their immutable decision steps, and delegations. Knows no project: a request points at its subject
generically and carries the subject's region path for scoping."""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel
from core.scoping import RegionScope
from org.models import Organisation, Region
from org.roles import ROLES

from .conditions import check_condition


class Flow(BaseModel):
    """A city's approval flow for one kind of subject (plan declaration, project approval, ...)."""

    class Code(models.TextChoices):
        PLAN_DECLARATION = "plan_declaration", _("annual plan declaration")
        PROJECT_APPROVAL = "project_approval", _("project review and approval")
        COMPLETION_ACCEPTANCE = "completion_acceptance", _("completion acceptance")
        DISBURSEMENT = "disbursement", _("disbursement review")

    city = models.ForeignKey(
        Region,
        verbose_name=_("city"),
        on_delete=models.PROTECT,
        related_name="approval_flows",
        limit_choices_to={"level": Region.Level.CITY},
    )
    code = models.CharField(_("flow"), max_length=32, choices=Code.choices)
    name = models.CharField(_("name"), max_length=100)

    scope = RegionScope("city__path")

    class Meta:
        verbose_name = _("approval flow")
        verbose_name_plural = _("approval flows")
        ordering = ["city__path", "code"]
        constraints = [
            models.UniqueConstraint(fields=["city", "code"], name="approval_flow_code_unique_in_city"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.city_id and self.city.level != Region.Level.CITY:
            raise ValidationError({"city": _("A flow belongs to a city.")})

    def current_version(self):
        """The newest published version: the one a new request starts with."""
        return self.versions.filter(published_at__isnull=False).order_by("-number").first()

    def get_absolute_url(self):
        return reverse("approvals:flow_detail", args=[self.pk])


class FlowVersion(BaseModel):
    """One version of a flow's stages; frozen once published, so a running request keeps its stages."""

    flow = models.ForeignKey(
        Flow, verbose_name=_("approval flow"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveSmallIntegerField(_("version"))
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    scope = RegionScope("flow__city__path")

    class Meta:
        verbose_name = _("flow version")
        verbose_name_plural = _("flow versions")
        ordering = ["flow", "number"]
        constraints = [
            models.UniqueConstraint(fields=["flow", "number"], name="approval_flow_version_unique"),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="approval_flow_version_positive"),
        ]

    def __str__(self):
        return _("%(flow)s, version %(number)s") % {"flow": self.flow, "number": self.number}

    def is_published(self):
        return self.published_at is not None

    def can_be_edited(self):
        """Only a draft changes: a published version is what running requests go by."""
        return not self.is_published()

    def get_absolute_url(self):
        return f"{reverse('approvals:flow_detail', args=[self.flow_id])}?version={self.number}"


class Record(models.TextChoices):
    """What an approval at a stage writes down besides its opinion (read by the subject's app)."""

    DOCUMENT_NUMBER = "document_number", _("approval document number")
    REPRESENTATIVES = "representatives", _("residents' representatives present")
    VOUCHER_NUMBER = "voucher_number", _("payment voucher number")


class Stage(BaseModel):
    """One desk of a flow version: who acts (organisations by kind or by name), how, when, and if."""

    class Mode(models.TextChoices):
        SINGLE = "single", _("one organisation decides")
        ALL = "all", _("every organisation must approve (joint signing)")
        ANY = "any", _("any one of the organisations decides")

    version = models.ForeignKey(
        FlowVersion, verbose_name=_("flow version"), on_delete=models.CASCADE, related_name="stages"
    )
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=100)
    mode = models.CharField(_("mode"), max_length=8, choices=Mode.choices, default=Mode.SINGLE)
    role = models.CharField(
        _("role"),
        max_length=32,
        blank=True,
        choices=[(code, role.label) for code, role in ROLES.items()],
        help_text=_("Only users of the organisation with this role may decide; empty: any user of it."),
    )
    condition = models.CharField(
        _("condition"),
        max_length=200,
        blank=True,
        help_text=_(
            'The stage applies only when this holds, e.g. estimated_wan >= 500 or area_level == "街道".'
        ),
    )
    deadline_days = models.PositiveSmallIntegerField(_("deadline (working days)"), default=5)
    submitter_passes = models.BooleanField(
        _("passed when its organisation submits"),
        default=False,
        help_text=_(
            "When the one organisation of this stage is the submitter's own, submitting is its review "
            "(a street office declaring a project of its own street)."
        ),
    )
    record = models.CharField(
        _("recorded on approval"),
        max_length=20,
        blank=True,
        choices=[("", _("nothing")), *Record.choices],
        help_text=_("What the approving organisation must write down when it approves at this stage."),
    )

    scope = RegionScope("version__flow__city__path")

    class Meta:
        verbose_name = _("approval stage")
        verbose_name_plural = _("approval stages")
        ordering = ["version", "order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "order"], name="approval_stage_order_unique"),
            models.CheckConstraint(
                condition=models.Q(mode__in=["single", "all", "any"]), name="approval_stage_mode_known"
            ),
            models.CheckConstraint(
                condition=models.Q(deadline_days__gte=1), name="approval_stage_deadline_positive"
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.condition:
            check_condition(self.condition, field="condition")

    def can_be_edited(self):
        return self.version.can_be_edited()

    def get_absolute_url(self):
        return f"{self.version.get_absolute_url()}#stage-{self.pk}"


class StageActor(BaseModel):
    """Who acts at a stage: an organisation kind found from the subject's region up, or one organisation."""

    stage = models.ForeignKey(
        Stage, verbose_name=_("approval stage"), on_delete=models.CASCADE, related_name="actors"
    )
    kind = models.CharField(
        _("organisation kind"),
        max_length=32,
        blank=True,
        choices=Organisation.Kind.choices,
        help_text=_("The nearest organisation of this kind above the subject's region."),
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    scope = RegionScope("stage__version__flow__city__path")

    class Meta:
        verbose_name = _("stage actor")
        verbose_name_plural = _("stage actors")
        ordering = ["stage", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(kind="") & models.Q(organisation__isnull=False))
                | (~models.Q(kind="") & models.Q(organisation__isnull=True)),
                name="approval_stage_actor_kind_or_organisation",
            ),
        ]

    def __str__(self):
        return str(self.organisation) if self.organisation_id else self.get_kind_display()

    def clean(self):
        if bool(self.kind) == bool(self.organisation_id):
            raise ValidationError(_("Name either an organisation kind or one organisation."))


class ApprovalRequest(BaseModel):
    """One subject going through one flow version: where it stands, whose turn it is, until when."""

    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        PENDING = "pending", _("under review")
        RETURNED = "returned", _("returned for revision")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")
        WITHDRAWN = "withdrawn", _("withdrawn")

    OPEN_STATES = (State.DRAFT, State.PENDING, State.RETURNED)

    content_type = models.ForeignKey(ContentType, verbose_name=_("object type"), on_delete=models.PROTECT)
    object_id = models.CharField(_("object id"), max_length=64)
    subject = GenericForeignKey("content_type", "object_id")
    subject_repr = models.CharField(_("subject"), max_length=200)
    region_path = models.CharField(_("region path"), max_length=255, db_index=True)
    flow = models.ForeignKey(
        Flow, verbose_name=_("approval flow"), on_delete=models.PROTECT, related_name="requests"
    )
    flow_version = models.ForeignKey(
        FlowVersion, verbose_name=_("flow version"), on_delete=models.PROTECT, related_name="requests"
    )
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.DRAFT, db_index=True
    )
    current_stage = models.ForeignKey(
        Stage,
        verbose_name=_("current stage"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    submitter = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitter"), on_delete=models.PROTECT, related_name="+"
    )
    submitter_organisation = models.ForeignKey(
        Organisation, verbose_name=_("submitting organisation"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    scope = RegionScope("region_path")

    class Meta:
        verbose_name = _("approval request")
        verbose_name_plural = _("approval requests")
        ordering = ["-submitted_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "flow"],
                condition=models.Q(state__in=["draft", "pending", "returned"]),
                name="approval_one_open_request_per_subject_and_flow",
                violation_error_message=_("This is already under review in this flow."),
            ),
            models.CheckConstraint(condition=models.Q(round__gte=1), name="approval_request_round_positive"),
            models.CheckConstraint(
                condition=models.Q(
                    state__in=["draft", "pending", "returned", "approved", "rejected", "withdrawn"]
                ),
                name="approval_request_state_known",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="pending") | models.Q(current_stage__isnull=False),
                name="approval_pending_request_has_a_stage",
            ),
        ]

    def __str__(self):
        return f"{self.flow}：{self.subject_repr}"

    def is_open(self):
        return self.state in self.OPEN_STATES

    def get_absolute_url(self):
        return reverse("approvals:request_detail", args=[self.pk])

    def can_be_withdrawn_by(self, user):
        """The submitter takes a pending request back only before anyone decided on it."""
        return (
            self.state == self.State.PENDING
            and user.pk == self.submitter_id
            and not self.steps.filter(action__in=Step.DECISIONS).exists()
        )

    def can_be_resubmitted_by(self, user):
        """The submitter sends a returned request back."""
        return self.state == self.State.RETURNED and user.pk == self.submitter_id


class Assignment(models.Model):
    """One organisation's turn at a stage in a round; closed by its decision (or by the stage ending)."""

    request = models.ForeignKey(
        ApprovalRequest,
        verbose_name=_("approval request"),
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    stage = models.ForeignKey(
        Stage, verbose_name=_("approval stage"), on_delete=models.PROTECT, related_name="+"
    )
    round = models.PositiveSmallIntegerField(_("round"))
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="approval_assignments",
    )
    decided = models.BooleanField(_("decided"), default=False)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["request", "round", "stage__order", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "stage", "round", "organisation"], name="approval_assignment_unique"
            ),
        ]
        indexes = [models.Index(fields=["organisation", "decided"])]

    def __str__(self):
        return f"{self.request} · {self.stage} · {self.organisation}"


class Step(models.Model):
    """One immutable entry of a request's timeline: who did what, at which stage and round, and why."""

    class Action(models.TextChoices):
        SUBMIT = "submit", _("submitted")
        APPROVE = "approve", _("approved")
        RETURN = "return", _("returned for revision")
        REJECT = "reject", _("rejected")
        WITHDRAW = "withdraw", _("withdrew")
        RESUBMIT = "resubmit", _("resubmitted")
        # A stage marked ``submitter_passes`` whose one organisation is the submitter's own: the
        # submission is that organisation's review (a street office declaring its own street's project).
        PASS = "pass", _("passed by the submitting organisation")

    DECISIONS = (Action.APPROVE, Action.RETURN, Action.REJECT)

    request = models.ForeignKey(
        ApprovalRequest, verbose_name=_("approval request"), on_delete=models.CASCADE, related_name="steps"
    )
    stage = models.ForeignKey(
        Stage,
        verbose_name=_("approval stage"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    round = models.PositiveSmallIntegerField(_("round"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="+"
    )
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("on behalf of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    opinion = models.TextField(_("opinion"), blank=True)
    record = models.CharField(_("recorded"), max_length=200, blank=True)
    at = models.DateTimeField(_("time"), auto_now_add=True)
    facts = models.JSONField(_("registered facts"), null=True, blank=True)

    class Meta:
        verbose_name = _("approval step")
        verbose_name_plural = _("approval steps")
        ordering = ["request", "at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    action__in=["submit", "approve", "return", "reject", "withdraw", "resubmit", "pass"]
                ),
                name="approval_step_action_known",
            ),
            models.CheckConstraint(
                condition=~models.Q(action__in=["return", "reject"]) | ~models.Q(opinion=""),
                name="approval_step_return_and_reject_give_a_reason",
            ),
        ]

    def __str__(self):
        return f"{self.actor} {self.get_action_display()}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError(_("A decision, once recorded, is not changed."))
        super().save(*args, **kwargs)


ATTACHMENT_FOLDER = "approvals"  # below MEDIA_ROOT: approvals/<request id>/<random name>


def attachment_path(instance, filename):
    # The stored name is random: the user's file name is kept in a column, never trusted as a path.
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"{ATTACHMENT_FOLDER}/{instance.request_id}/{uuid.uuid4().hex}{suffix}"


class RequestAttachment(models.Model):
    """A file sent with a request's submission or resubmission, in force from its round until a later
    round removes or replaces it; downloaded only by those who may read the request."""

    request = models.ForeignKey(
        ApprovalRequest,
        verbose_name=_("approval request"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    step = models.ForeignKey(
        Step, verbose_name=_("sent with"), on_delete=models.CASCADE, related_name="attachments"
    )
    round = models.PositiveSmallIntegerField(_("round"))
    removed_in_round = models.PositiveSmallIntegerField(_("removed in round"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    filename = models.CharField(_("file name"), max_length=200)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256 checksum"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("request attachment")
        verbose_name_plural = _("request attachments")
        ordering = ["request", "round", "filename", "id"]
        constraints = [
            # What a round's reviewers compare is the files by name: one name once in the files in force.
            models.UniqueConstraint(
                fields=["request", "filename"],
                condition=models.Q(removed_in_round__isnull=True),
                name="approval_attachment_name_unique_in_force",
                violation_error_message=_("This request already has a file of this name."),
            ),
            models.CheckConstraint(
                condition=models.Q(removed_in_round__isnull=True)
                | models.Q(removed_in_round__gt=models.F("round")),
                name="approval_attachment_removed_after_added",
            ),
            models.CheckConstraint(
                condition=models.Q(round__gte=1), name="approval_attachment_round_positive"
            ),
        ]

    def __str__(self):
        return self.filename

    def get_absolute_url(self):
        return reverse("approvals:request_detail", args=[self.request_id]) + "#attachments"

    def get_download_url(self):
        return reverse("approvals:requestattachment_download", args=[self.pk])

    def in_round(self, number):
        """Whether the file was among those sent in round ``number``."""
        return self.round <= number and (self.removed_in_round is None or self.removed_in_round > number)


class Delegation(BaseModel):
    """A user lets a colleague of the same organisation act for them over a range of days."""

    delegator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("delegating user"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    delegate = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("delegate"), on_delete=models.CASCADE, related_name="+"
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    scope = RegionScope("delegator__organisation__region__path")

    class Meta:
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="approval_delegation_dates_in_order",
            ),
            models.CheckConstraint(
                condition=~models.Q(delegator=models.F("delegate")),
                name="approval_delegation_to_someone_else",
            ),
        ]

    def __str__(self):
        return f"{self.delegator} → {self.delegate}"

    def get_absolute_url(self):
        return reverse("approvals:delegation_list")

    def standing(self, today):
        """``ahead`` (not begun), ``current`` or ``over`` on ``today``."""
        if today < self.starts_on:
            return "ahead"
        return "current" if today <= self.ends_on else "over"

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The last day comes before the first day.")})
        if self.delegator_id and self.delegate_id:
            if self.delegator_id == self.delegate_id:
                raise ValidationError({"delegate": _("Choose a colleague, not yourself.")})
            if (
                self.delegator.organisation_id is None
                or self.delegator.organisation_id != self.delegate.organisation_id
            ):
                raise ValidationError({"delegate": _("The delegate must work in the same organisation.")})
