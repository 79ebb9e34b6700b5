"""Survey campaigns and their answers: a needs survey before the plan (改前问需于民: does the
household agree, which items it wants from the catalogue, 点菜式, whether and how much it would
contribute) and a satisfaction survey after completion (改后问效于民: 1–5 overall and per item
category). A campaign covers one compound or a batch; each household answers once per campaign."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import BaseModel
from core.scoping import RegionScope
from org.models import Region
from projects.models import Compound, ItemCategory, RenovationItem
from projects.models.project import CITY_DEPTH

from .households import Household

MONEY = {"max_digits": 14, "decimal_places": 2}
SCORES = [MinValueValidator(1), MaxValueValidator(5)]


def campaigns_reaching(path):
    """The scope's reach of a campaign: a batch across streets has their district (or city) as its
    area, and each street's clerk still reads it through her own compounds."""
    bundling = SurveyCampaign.compounds.through.objects.filter(compound__community__path__startswith=path)
    return Q(pk__in=bundling.values("surveycampaign_id"))


class SurveyCampaign(BaseModel):
    """A survey of the households of one compound or a batch of compounds, open between two dates."""

    class Kind(models.TextChoices):
        NEEDS = "needs", pgettext_lazy("survey kind", "needs survey")
        SATISFACTION = "satisfaction", pgettext_lazy("survey kind", "satisfaction survey")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=100)
    compounds = models.ManyToManyField(Compound, verbose_name=_("compounds"), related_name="survey_campaigns")
    # The smallest region holding all its compounds (as a project's area): its scope.
    region = models.ForeignKey(
        Region, verbose_name=_("area"), on_delete=models.PROTECT, related_name="+", editable=False
    )
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    scope = RegionScope(
        "region__path", reach=campaigns_reaching, reach_actions=("view",), reach_depth=CITY_DEPTH
    )

    class Meta:
        verbose_name = _("survey campaign")
        verbose_name_plural = _("survey campaigns")
        ordering = ["-opens_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")),
                name="campaign_closes_after_it_opens",
                violation_error_message=_("A campaign cannot close before it opens."),
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("residents:campaign_detail", args=[self.pk])

    def is_open(self, on=None):
        on = on or timezone.localdate()
        return self.opens_on <= on <= self.closes_on

    def status(self, on=None):
        """Not yet open, open or closed, as a label."""
        on = on or timezone.localdate()
        if on < self.opens_on:
            return _("not yet open")
        return _("open") if on <= self.closes_on else pgettext_lazy("campaign status", "closed")

    def accepts_answers_dated(self, day):
        """An answer is dated within the campaign's dates."""
        return self.opens_on <= day <= self.closes_on


class SurveyResponse(BaseModel):
    """One household's answer to a campaign, typed from paper, taken at the door, by phone or online."""

    class Origin(models.TextChoices):
        # In context: "phone" and "online" also name a household's phone and a complaint's channel.
        DOOR = "door", pgettext_lazy("survey origin", "door-to-door")
        PAPER = "paper", pgettext_lazy("survey origin", "paper questionnaire")
        PHONE = "phone", pgettext_lazy("survey origin", "phone")
        ONLINE = "online", pgettext_lazy("survey origin", "online")

    class Agreement(models.TextChoices):
        YES = "yes", _("agrees")
        NO = "no", _("does not agree")
        UNDECIDED = "undecided", _("undecided")

    campaign = models.ForeignKey(
        SurveyCampaign, verbose_name=_("survey campaign"), on_delete=models.CASCADE, related_name="responses"
    )
    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="survey_responses"
    )
    origin = models.CharField(_("origin"), max_length=8, choices=Origin.choices, default=Origin.PAPER)
    answered_on = models.DateField(_("answered on"))
    # The needs survey.
    agrees = models.CharField(
        _("agrees to the renovation"), max_length=10, choices=Agreement.choices, blank=True
    )
    wanted_items = models.ManyToManyField(
        RenovationItem, verbose_name=_("items wanted"), blank=True, related_name="+"
    )
    willing_to_contribute = models.BooleanField(_("willing to contribute"), null=True, blank=True)
    contribution_amount = models.DecimalField(
        _("amount it would contribute"), **MONEY, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    # The satisfaction survey.
    overall_score = models.PositiveSmallIntegerField(
        _("overall satisfaction"), null=True, blank=True, validators=SCORES
    )
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    # The browser's key of the grid row that saved it: a row sent again saves this answer again,
    # never a second one (residents.entry).
    entry_key = models.UUIDField(_("entry key"), null=True, blank=True, unique=True, editable=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    scope = RegionScope("household__compound__community__path")

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        ordering = ["campaign", "household", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "household"],
                name="one_answer_per_household_and_campaign",
                violation_error_message=_("This household has already answered this survey."),
            ),
            models.CheckConstraint(
                condition=Q(overall_score__isnull=True) | Q(overall_score__gte=1, overall_score__lte=5),
                name="response_overall_score_1_to_5",
            ),
        ]
        indexes = [models.Index(fields=["campaign", "agrees"])]

    def __str__(self):
        return f"{self.campaign} · {self.household}"

    def get_absolute_url(self):
        return reverse("residents:campaign_detail", args=[self.campaign_id]) + f"#response-{self.pk}"

    def clean_fields(self, exclude=None):
        # An empty box is no score: '' would pass the field (it may be blank) and trip the 1–5 check.
        if self.overall_score == "":
            self.overall_score = None
        super().clean_fields(exclude=exclude)

    def clean(self):
        super().clean()
        if (
            self.campaign_id
            and self.answered_on
            and not self.campaign.accepts_answers_dated(self.answered_on)
        ):
            raise ValidationError(
                {"answered_on": _("The campaign runs from %(opens)s to %(closes)s.")
                 % {"opens": self.campaign.opens_on, "closes": self.campaign.closes_on}}
            )  # fmt: skip


class CategoryScore(models.Model):
    """A satisfaction answer's score (1–5) for one category of items (基础类, 完善类, 提升类)."""

    response = models.ForeignKey(
        SurveyResponse,
        verbose_name=_("survey answer"),
        on_delete=models.CASCADE,
        related_name="category_scores",
    )
    category = models.ForeignKey(
        ItemCategory, verbose_name=_("item category"), on_delete=models.PROTECT, related_name="+"
    )
    score = models.PositiveSmallIntegerField(_("score"), validators=SCORES)

    class Meta:
        verbose_name = _("satisfaction score")
        verbose_name_plural = _("satisfaction scores")
        ordering = ["response", "category"]
        constraints = [
            models.UniqueConstraint(fields=["response", "category"], name="one_score_per_category"),
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="category_score_1_to_5"),
        ]

    def __str__(self):
        return f"{self.category}: {self.score}"

    def get_absolute_url(self):
        return self.response.get_absolute_url()
