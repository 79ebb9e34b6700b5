"""The projects' section of a city's renovation policy (org.CityPolicy is the dated document): which
compounds may be renovated, what a project must meet before it enters the annual plan (咸宁's 六个
前置), and the deadline calendar of its milestones (芒市, 汾阳)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.scoping import RegionScope
from org.models import CityPolicy, PolicySectionModel


class Milestone(models.TextChoices):
    """The dated milestones of a project that a city's calendar can set deadlines for."""

    SURVEY = "survey", _("needs survey completed")
    DESIGN = "design", _("plan and budget completed")
    DECLARATION = "declaration", _("plan declared")
    APPROVAL = "approval", _("plan approved")
    BIDDING = "bidding", _("bidding done, construction started")
    COMPLETION = "completion", _("construction completed")
    ACCEPTANCE = "acceptance", _("completion accepted")
    HANDOVER = "handover", _("handed over to management")


class Prerequisite(models.TextChoices):
    """Conditions a project must meet before it enters the annual plan (咸宁's 六个前置)."""

    PARTY_ORGANISATION = "party_organisation", _("a party organisation set up in the compound")
    CONSULTATION = "consultation", _("multi-party consultation and co-governance")
    CONVENTION = "convention", _("residents' convention signed")
    ILLEGAL_STRUCTURES = "illegal_structures", _("illegal structures demolished")
    CONTRIBUTION = "contribution", _("residents contribute to the renovation")
    PROPERTY_MANAGEMENT = "property_management", _("residents accept paid property management")


class DeadlineKind(models.TextChoices):
    """How a calendar row is read; the month rows fall due at the end of that month."""

    YEAR_BEFORE = "year_before", _("by the end of month … of the year before the plan year")
    PLAN_YEAR = "plan_year", _("by the end of month … of the plan year")
    YEAR_AFTER = "year_after", _("by the end of month … of the year after the plan year")
    MONTHS_AFTER = "months_after", _("within … months of the milestone before it")


class ProjectPolicy(PolicySectionModel):
    """The rules a city's policy sets for compounds and projects: eligibility, prerequisites and the
    deadline calendar. One per policy document, saved with it."""

    policy = models.OneToOneField(
        CityPolicy,
        verbose_name=_("city policy"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="project_rules",
    )
    built_before = models.DateField(
        _("built on or before"),
        help_text=_("Compounds built after this date are not eligible (most cities: 2000-12-31)."),
    )
    exclude_shanty_town_areas = models.BooleanField(
        _("exclude shanty-town redevelopment areas"), default=True
    )
    exclude_self_built_housing = models.BooleanField(_("exclude self-built housing"), default=True)
    # [Prerequisite values]: the checklist every project of the city keeps.
    prerequisites = models.JSONField(_("prerequisites of a project"), default=list, blank=True)
    prerequisites_block_plan = models.BooleanField(
        _("prerequisites must be met before a project enters the annual plan"), default=False
    )
    # {Milestone value: {"kind": DeadlineKind value, "value": month or number of months}}.
    deadlines = models.JSONField(_("deadline calendar"), default=dict, blank=True)

    scope = RegionScope("policy__city__path")

    class Meta:
        verbose_name = _("project rules of a city policy")
        verbose_name_plural = _("project rules of city policies")
        ordering = ["policy"]

    def prerequisite_labels(self):
        return [Prerequisite(kind).label for kind in self.prerequisites or () if kind in Prerequisite.values]

    def calendar_rows(self):
        """[(milestone label, the deadline in words)] in the order of the milestones."""
        rows = []
        for milestone in Milestone:
            rule = (self.deadlines or {}).get(milestone.value)
            if rule and rule.get("kind") in DeadlineKind.values:
                text = str(DeadlineKind(rule["kind"]).label).replace("…", str(rule.get("value")))
                rows.append((milestone.label, text))
        return rows

    def clean(self):
        super().clean()
        # Both are JSON: whatever shape was given, this says what is wrong with it, never trips on it.
        prerequisites = self.prerequisites or []
        if not isinstance(prerequisites, list):
            prerequisites = [prerequisites]
        unknown = {str(kind) for kind in prerequisites if kind not in Prerequisite.values}
        if unknown:
            raise ValidationError(
                {"prerequisites": _("Unknown prerequisite: %s") % "、".join(sorted(unknown))}
            )
        deadlines = self.deadlines or {}
        if not isinstance(deadlines, dict):
            raise ValidationError({"deadlines": _("The deadline calendar is not understood.")})
        errors = [
            error for milestone, rule in deadlines.items() if (error := deadline_error(milestone, rule))
        ]
        if errors:
            raise ValidationError({"deadlines": errors})


def deadline_error(milestone, rule):
    """What is wrong with one row of a deadline calendar ({"kind": …, "value": …} for a milestone),
    or None. The model checks every row with it; the policy form checks each row where it is typed,
    so the message stands beside that row."""
    label = Milestone(milestone).label if milestone in Milestone.values else milestone
    kind, value = (rule.get("kind"), rule.get("value")) if isinstance(rule, dict) else (None, None)
    if isinstance(value, bool):
        value = None  # JSON true is not a number of months
    if milestone not in Milestone.values or kind not in DeadlineKind.values:
        return _("The deadline of “%(milestone)s” is not understood.") % {"milestone": label}
    if kind == DeadlineKind.MONTHS_AFTER and not (isinstance(value, int) and 1 <= value <= 36):
        return _("The deadline of “%(milestone)s”: give 1 to 36 months.") % {"milestone": label}
    if kind != DeadlineKind.MONTHS_AFTER and not (isinstance(value, int) and 1 <= value <= 12):
        return _("The deadline of “%(milestone)s”: the month must be 1 to 12.") % {"milestone": label}
    if kind == DeadlineKind.MONTHS_AFTER and milestone == Milestone.values[0]:
        return _("The deadline of “%(milestone)s” cannot follow an earlier milestone.") % {"milestone": label}
    return None
