"""Renovation projects (改造项目): one compound or several bundled (连片改造, 一片区一方案)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel
from core.querysets import granted_pks
from core.scoping import RegionScope
from org.models import Region

from .policy import Milestone
from .registry import Compound

# A project's area is its city at the highest (province/city/: two codes); no project spans cities.
CITY_DEPTH = 2


def bundling_compounds_under(project="pk"):
    """The scope's reach of a project (``project="pk"``) or of a project's records (``project`` the
    lookup of their project): rows of a project that bundles a compound under a region path.

    A project's area is the smallest region holding its compounds, so a bundle across streets has
    their district as its area; each street's clerk still reads it, through her compounds."""

    def reach(path):
        bundling = ProjectCompound.objects.filter(compound__community__path__startswith=path)
        return Q(**{f"{project}__in": bundling.values("project_id")})

    return reach


class Project(BaseModel):
    """A renovation project: planned, approved, built, accepted and handed over as one unit."""

    class Pool(models.TextChoices):
        RESERVE = "reserve", _("reserve")
        PLANNING = "planning", _("planning")
        IMPLEMENTATION = "implementation", _("implementation")

    class Stage(models.TextChoices):
        # In order: a project moves one stage forward at a time (projects.lifecycle).
        SURVEY = "survey", _("needs survey")
        DESIGN = "design", _("preliminary plan and budget")
        DECLARATION = "declaration", _("plan declaration")
        REVIEW = "review", _("joint review and approval")
        PROCUREMENT = "procurement", _("bidding and construction permit")
        CONSTRUCTION = "construction", _("construction")
        ACCEPTANCE = "acceptance", _("completion acceptance")
        HANDOVER = "handover", _("handover to management")
        AUDIT = "audit", _("audit")
        CLOSED = "closed", _("closed")

    city = models.ForeignKey(
        Region, verbose_name=_("city"), on_delete=models.PROTECT, related_name="+", editable=False
    )
    # The smallest region holding all its compounds (a street, or the district of a bundle): its scope.
    region = models.ForeignKey(
        Region, verbose_name=_("area"), on_delete=models.PROTECT, related_name="projects", editable=False
    )
    compounds = models.ManyToManyField(
        Compound, verbose_name=_("compounds"), through="ProjectCompound", related_name="projects"
    )
    name = models.CharField(_("project name"), max_length=150)
    code = models.CharField(_("project code"), max_length=40, blank=True)
    plan_year = models.PositiveSmallIntegerField(_("plan year"), null=True, blank=True)
    pool = models.CharField(_("pipeline pool"), max_length=16, choices=Pool.choices, default=Pool.RESERVE)
    stage = models.CharField(
        _("stage"), max_length=16, choices=Stage.choices, default=Stage.SURVEY, editable=False
    )
    implementing_entity = models.CharField(_("implementing entity"), max_length=100, blank=True)
    designer = models.CharField(_("designer"), max_length=100, blank=True)
    contractor = models.CharField(_("contractor"), max_length=100, blank=True)
    supervisor = models.CharField(_("supervisor"), max_length=100, blank=True)
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_completion = models.DateField(_("planned completion"), null=True, blank=True)

    # Facts recorded by the lifecycle's transitions, never edited directly.
    survey_completed_on = models.DateField(_("survey completed on"), null=True, blank=True, editable=False)
    design_completed_on = models.DateField(
        _("plan and budget completed on"), null=True, blank=True, editable=False
    )
    declared_on = models.DateField(_("declared on"), null=True, blank=True, editable=False)
    approved_on = models.DateField(_("approved on"), null=True, blank=True, editable=False)
    approval_body = models.CharField(_("approving body"), max_length=100, blank=True, editable=False)
    approval_number = models.CharField(
        _("approval document number"), max_length=50, blank=True, editable=False
    )
    permit_number = models.CharField(
        _("construction permit number"), max_length=50, blank=True, editable=False
    )
    permit_exempt = models.BooleanField(_("exempt from a construction permit"), default=False, editable=False)
    started_on = models.DateField(_("construction started on"), null=True, blank=True, editable=False)
    completed_on = models.DateField(_("construction completed on"), null=True, blank=True, editable=False)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True, editable=False)
    handed_over_on = models.DateField(_("handed over on"), null=True, blank=True, editable=False)
    management_entity = models.CharField(
        _("management after handover"), max_length=100, blank=True, editable=False
    )
    audited_on = models.DateField(_("audited on"), null=True, blank=True, editable=False)

    # The next milestone the city's calendar sets a deadline for, kept by projects.schedule so that
    # lists can filter and flag overdue projects in SQL.
    next_milestone = models.CharField(
        _("next milestone"), max_length=16, choices=Milestone.choices, blank=True, editable=False
    )
    next_due_on = models.DateField(_("next deadline"), null=True, blank=True, editable=False)

    # Read by whoever works in its area or in a street of one of its compounds; changed as a whole
    # (its fields, items and steps) only by whoever works in its own area.
    scope = RegionScope(
        "region__path", reach=bundling_compounds_under(), reach_actions=("view",), reach_depth=CITY_DEPTH
    )

    class Meta:
        verbose_name = _("renovation project")
        verbose_name_plural = _("renovation projects")
        ordering = ["-plan_year", "region__path", "name", "id"]
        permissions = [
            ("advance_project", _("Can move a project through its survey, design and construction stages")),
            ("approve_project", _("Can record approvals, acceptance and audit of a project")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["city", "code"],
                condition=~models.Q(code=""),
                name="project_code_unique_in_city",
                violation_error_message=_("Another project of the city already has this code."),
            ),
        ]
        indexes = [
            models.Index(fields=["stage"]),
            models.Index(fields=["plan_year"]),
            models.Index(fields=["next_due_on"]),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("projects:project_detail", args=[self.pk])

    def clean(self):
        super().clean()
        start, completion = self.planned_start, self.planned_completion
        # Either may be missing, or still the text that failed its own field's check.
        if isinstance(start, datetime.date) and isinstance(completion, datetime.date) and completion < start:
            raise ValidationError(
                {"planned_completion": _("The planned completion is before the planned start.")}
            )

    # Cheap yes/no questions the services enforce and the pages ask before offering a button.
    def can_be_edited(self):
        """A closed project is a record: its plan, compounds and items no longer change."""
        return self.stage != self.Stage.CLOSED

    def can_be_deleted(self):
        """Only while nothing has been decided: in survey or design."""
        return self.stage in (self.Stage.SURVEY, self.Stage.DESIGN)

    def takes_progress_reports(self):
        """Progress is reported from the start of construction until handover."""
        return self.stage in (self.Stage.CONSTRUCTION, self.Stage.ACCEPTANCE, self.Stage.HANDOVER)

    def is_run_by(self, user):
        """True when ``user`` works in the project's own area (or was granted it), so may change the
        project itself: ``restrict(user, "change")`` answered for one row without a query. A clerk
        of one street of a bundle reads it and adds records to it, and no more."""
        in_area = user.has_perm("projects.change_project") and self.scope.covers(user, self)
        return in_area or self.pk in granted_pks(user, Project, "change")

    def items_are_frozen(self):
        return not self.can_be_edited()

    def archive_is_sealed(self):
        """Once accepted, the archive keeps every file it holds."""
        return self.accepted_on is not None

    def prerequisites_are_settled(self):
        """Once declared, the prerequisites ticked are part of the record."""
        return self.stage_index > list(self.Stage.values).index(self.Stage.DECLARATION)

    @property
    def is_overdue(self):
        return self.next_due_on is not None and self.next_due_on < timezone.localdate()

    @property
    def deadline_text(self):
        """The next deadline for lists: “2026-03-31 plan approved”, flagged when it has passed."""
        if self.next_due_on is None:
            return "—"
        text = f"{self.next_due_on.isoformat()} {self.get_next_milestone_display()}"
        return _("⚠ overdue: %(deadline)s") % {"deadline": text} if self.is_overdue else text

    @property
    def stage_index(self):
        return list(self.Stage.values).index(self.stage)


class ProjectCompound(models.Model):
    """A compound bundled into a project. A compound with a project cannot be deleted."""

    project = models.ForeignKey(Project, verbose_name=_("renovation project"), on_delete=models.CASCADE)
    compound = models.ForeignKey(
        Compound, verbose_name=_("compound"), on_delete=models.PROTECT, related_name="project_links"
    )

    class Meta:
        verbose_name = _("compound of a project")
        verbose_name_plural = _("compounds of projects")
        ordering = ["project", "compound__name"]
        constraints = [
            models.UniqueConstraint(fields=["project", "compound"], name="compound_once_per_project")
        ]

    def __str__(self):
        return f"{self.project} · {self.compound}"

    def get_absolute_url(self):
        return self.project.get_absolute_url()
