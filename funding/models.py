"""The money of a project: where it comes from (sources), what is planned from each, what arrived
(receipts) and what was paid out (disbursements, released through the disbursement approval flow).

Amounts are Decimal yuan with two places, typed and shown in 万元 (core.money). A wrong entry is
never edited or deleted once it counts: a counter-entry (``reverses``, a negative amount, a reason)
takes it back and the ledger shows both. For each project and source the services keep disbursed ≤
received, under a lock on the project (funding.services).
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel
from core.money import format_wan
from core.scoping import RegionScope, Unscoped
from core.validators import not_in_future
from org.models import CityPolicy, PolicySectionModel, Region
from org.roles import STREET_CLERK
from projects.models import ItemCategory, ProgressReport, Project, ProjectItem, RenovationItem
from projects.models.project import CITY_DEPTH, bundling_compounds_under

MONEY = {"max_digits": 14, "decimal_places": 2}


class MoneyScope(RegionScope):
    """A project's money is read where the project is read (its area, and the streets of its
    compounds) and written only in its own area; a street clerk, who collects the residents' share,
    sees only what comes from residents."""

    def __init__(self, source_lookup="source__category"):
        super().__init__(
            "project__region__path",
            reach=bundling_compounds_under("project"),
            reach_actions=("view",),
            reach_depth=CITY_DEPTH,
        )
        self.source_lookup = source_lookup

    @staticmethod
    def residents_only(user):
        return user.role_codes <= {STREET_CLERK}

    def q(self, user, action="view"):
        q = super().q(user, action)
        if self.residents_only(user):
            q &= models.Q(**{self.source_lookup: FundingSource.Category.RESIDENTS})
        return q


def project_scope():
    return MoneyScope()


class FundingSource(BaseModel):
    """A channel money comes through (central subsidy, special bonds, residents' cash, ...)."""

    class Category(models.TextChoices):
        CENTRAL = "central", _("central subsidy")
        PROVINCIAL = "provincial", _("provincial subsidy")
        CITY = "city", _("city budget")
        DISTRICT = "district", _("district budget")
        BOND = "bond", _("special bonds")
        RESIDENTS = "residents", _("residents")
        UTILITY = "utility", _("utilities")
        ORIGINAL_OWNER = "original_owner", _("original property owner")
        SOCIAL_CAPITAL = "social_capital", _("social capital")
        LOAN = "loan", _("policy-bank loan")
        OTHER = "other", _("other")

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=50, unique=True)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    scope = Unscoped()

    class Meta:
        verbose_name = _("funding source")
        verbose_name_plural = _("funding sources")
        ordering = ["order", "code"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("funding:source_list")


class FundingPlanLine(BaseModel):
    """What a project plans to receive from one source in one year (资金计划), multi-year."""

    project = models.ForeignKey(
        Project, verbose_name=_("renovation project"), on_delete=models.CASCADE, related_name="funding_plan"
    )
    source = models.ForeignKey(
        FundingSource, verbose_name=_("funding source"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    amount = models.DecimalField(
        _("planned amount"), **MONEY, validators=[MinValueValidator(Decimal("0.01"))]
    )
    # When the line came from a rule (funding.rules): the rule, its document number and its figures.
    basis = models.CharField(_("basis"), max_length=300, blank=True)
    rule = models.ForeignKey(
        "FundingRule",
        verbose_name=_("funding rule"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    scope = project_scope()

    class Meta:
        verbose_name = _("funding plan")
        verbose_name_plural = _("funding plans")
        ordering = ["project", "year", "source__order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "source", "year"],
                name="funding_plan_one_line_per_source_and_year",
                violation_error_message=_("The plan already has a line for this source and year."),
            ),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="funding_plan_amount_positive"),
        ]

    def __str__(self):
        return f"{self.project} · {self.source} · {self.year}"

    def get_absolute_url(self):
        return reverse("funding:project_funding", args=[self.project_id])


class LedgerEntry(BaseModel):
    """What receipts and disbursements share: a project, a source, an amount, and the counter-entry
    that may take it back."""

    project = models.ForeignKey(
        Project, verbose_name=_("renovation project"), on_delete=models.PROTECT, related_name="+"
    )
    # The project's city, copied: voucher numbers are unique per city, and ledgers sum per city.
    city = models.ForeignKey(Region, verbose_name=_("city"), on_delete=models.PROTECT, related_name="+")
    source = models.ForeignKey(
        FundingSource, verbose_name=_("funding source"), on_delete=models.PROTECT, related_name="+"
    )
    amount = models.DecimalField(_("amount"), **MONEY)
    note = models.CharField(_("note"), max_length=200, blank=True)
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("reverses"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversal",
    )
    reason = models.CharField(_("reason for the reversal"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )

    scope = project_scope()

    class Meta:
        abstract = True

    def is_reversal(self):
        return self.reverses_id is not None

    def get_absolute_url(self):
        return reverse("funding:project_funding", args=[self.project_id])


def _entry_constraints(prefix):
    return [
        # An entry is positive; its counter-entry negative, with a reason.
        models.CheckConstraint(
            condition=(models.Q(reverses__isnull=True) & models.Q(amount__gt=0))
            | (models.Q(reverses__isnull=False) & models.Q(amount__lt=0) & ~models.Q(reason="")),
            name=f"{prefix}_positive_or_a_reasoned_reversal",
        ),
    ]


class FundReceipt(LedgerEntry):
    """Money that arrived for a project from one source (资金到位)."""

    received_on = models.DateField(_("received on"), validators=[not_in_future])
    document_number = models.CharField(_("document number"), max_length=60, blank=True)
    account = models.CharField(_("account"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("fund receipt")
        verbose_name_plural = _("fund receipts")
        ordering = ["project", "received_on", "id"]
        constraints = _entry_constraints("fund_receipt")

    def __str__(self):
        return f"{self.project} · {self.source} · {self.received_on}"


class Disbursement(LedgerEntry):
    """Money paid out of what arrived (资金拨付): requested, released through the disbursement
    approval flow, or refused; a counter-entry takes a released one back."""

    class State(models.TextChoices):
        REQUESTED = "requested", _("under review")
        RELEASED = "released", _("released")
        REFUSED = "refused", _("not approved")
        WITHDRAWN = "withdrawn", _("withdrawn")

    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.REQUESTED, db_index=True
    )
    payee = models.CharField(_("payee"), max_length=100)
    purpose = models.CharField(_("purpose"), max_length=200)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    voucher_number = models.CharField(_("voucher number"), max_length=60, blank=True)
    items = models.ManyToManyField(
        ProjectItem, verbose_name=_("items paid for"), blank=True, related_name="+"
    )
    progress_report = models.ForeignKey(
        ProgressReport,
        verbose_name=_("progress report paid against"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # One request of the form, recorded once however often it is sent.
    idempotency_key = models.CharField(_("idempotency key"), max_length=64, unique=True, editable=False)

    class Meta:
        verbose_name = _("disbursement")
        verbose_name_plural = _("disbursements")
        ordering = ["project", "created_at", "id"]
        permissions = [("reverse_disbursement", _("Can take a released disbursement back"))]
        constraints = [
            *_entry_constraints("disbursement"),
            models.UniqueConstraint(
                fields=["city", "voucher_number"],
                condition=~models.Q(voucher_number=""),
                name="disbursement_voucher_unique_in_city",
                violation_error_message=_("Another disbursement of the city has this voucher number."),
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=["requested", "released", "refused", "withdrawn"]),
                name="disbursement_state_known",
            ),
            # A counter-entry counts as soon as it is written: only a released payment is taken back.
            models.CheckConstraint(
                condition=models.Q(reverses__isnull=True) | models.Q(state="released"),
                name="disbursement_reversal_is_released",
            ),
        ]

    def __str__(self):
        return _("%(project)s: %(amount)s 万元 to %(payee)s") % {
            "project": self.project.name, "amount": format_wan(self.amount), "payee": self.payee,
        }  # fmt: skip

    def counts(self):
        """A released payment (or its counter-entry) is money out; a request only reserves it."""
        return self.state == self.State.RELEASED


# --- Funding's section of a city policy and its rules (funding.rules turns them into proposals) ----

DEFAULT_IDLE_DAYS = 90


def yuan_figure(amount):
    """An amount in yuan as a policy writes it: 1000000 → "1,000,000"; 1234.5 → "1,234.50"."""
    amount = Decimal(amount).quantize(Decimal("0.01"))
    return f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"


PERCENTAGE = {"max_digits": 5, "decimal_places": 2}
PER_HOUSEHOLD = {"max_digits": 10, "decimal_places": 2}


class FundingPolicy(PolicySectionModel):
    """Funding's section of a city's policy (org.policy): how long received money may lie idle, and
    the rules (FundingRule) that propose a project's funding plan."""

    policy = models.OneToOneField(
        CityPolicy,
        verbose_name=_("city policy"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="funding_section",
    )
    funds_idle_days = models.PositiveSmallIntegerField(
        _("funds idle after (days)"),
        default=DEFAULT_IDLE_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
        help_text=_("Money received and not paid out for longer than this is flagged as idle."),
    )

    scope = RegionScope("policy__city__path")
    section_anchor = "policy-funding"

    class Meta:
        verbose_name = _("funding rules of a city policy")
        verbose_name_plural = _("funding rules of city policies")
        ordering = ["policy"]

    @classmethod
    def idle_days(cls, city, on=None):
        """After how many days received money counts as idle in ``city`` (the policy's, or 90)."""
        section = cls.in_force(city, on)
        return section.funds_idle_days if section is not None else DEFAULT_IDLE_DAYS

    def rule_list(self):
        return self.rules.select_related("source", "category").prefetch_related("items")


class FundingRule(BaseModel):
    """One funding rule of a city's policy: what it plans, from which figures, into which source,
    from which day and on which document (文号). funding.rules turns it into a proposed plan line."""

    class Kind(models.TextChoices):
        CONTRACT_SHARE = "contract_share", _("share of a category's contract price")
        PER_HOUSEHOLD = "per_household", _("contribution per household by compound type")
        ITEM_PAYER = "item_payer", _("items paid by one payer")

    section = models.ForeignKey(
        FundingPolicy, verbose_name=_("city policy"), on_delete=models.CASCADE, related_name="rules"
    )
    kind = models.CharField(_("kind of rule"), max_length=16, choices=Kind.choices)
    source = models.ForeignKey(
        FundingSource, verbose_name=_("plans into"), on_delete=models.PROTECT, related_name="+"
    )
    category = models.ForeignKey(
        ItemCategory,
        verbose_name=_("item category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # CONTRACT_SHARE: items of other categories counted with the category (淄博: the community and
    # property-service rooms); ITEM_PAYER: the items the payer pays for.
    items = models.ManyToManyField(
        RenovationItem, verbose_name=_("renovation items"), blank=True, related_name="+"
    )
    percentage = models.DecimalField(
        _("percentage"),
        **PERCENTAGE,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(100)],
    )
    provincial_plan_only = models.BooleanField(_("only for projects in the provincial plan"), default=False)
    per_household_unit_building = models.DecimalField(
        _("per household in unit-building compounds"),
        **PER_HOUSEHOLD,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    per_household_other = models.DecimalField(
        _("per household in other compounds"),
        **PER_HOUSEHOLD,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    effective_from = models.DateField(
        _("effective from"), null=True, blank=True, help_text=_("Empty: from the policy's own date.")
    )
    document_number = models.CharField(
        _("document number"), max_length=50, blank=True, help_text=_("Empty: the policy's own number.")
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    scope = RegionScope("section__policy__city__path")

    class Meta:
        verbose_name = _("funding rule")
        verbose_name_plural = _("funding rules")
        ordering = ["section", "id"]
        constraints = [
            # One rule per source: each proposes the policy's one line of that source and year.
            models.UniqueConstraint(
                fields=["section", "source"],
                name="funding_rule_one_per_source",
                violation_error_message=_("Another rule of this policy already plans into this source."),
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=["contract_share", "per_household", "item_payer"]),
                name="funding_rule_kind_known",
            ),
            models.CheckConstraint(
                condition=models.Q(percentage__isnull=True) | models.Q(percentage__gt=0, percentage__lte=100),
                name="funding_rule_percentage_in_range",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="contract_share")
                | models.Q(percentage__isnull=False, category__isnull=False),
                name="funding_rule_contract_share_complete",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="per_household")
                | models.Q(per_household_unit_building__gt=0, per_household_other__gt=0),
                name="funding_rule_per_household_complete",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="item_payer") | models.Q(percentage__isnull=False),
                name="funding_rule_item_payer_complete",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.source}"

    def get_absolute_url(self):
        return reverse("org:citypolicy_detail", args=[self.section_id]) + f"#funding-rule-{self.pk}"

    @property
    def policy(self):
        return self.section.policy

    def get_document_number(self):
        """The document (文号) the rule rests on: its own, or its policy's."""
        return self.document_number or self.policy.document_number

    def starts_on(self):
        return self.effective_from or self.policy.effective_from

    def applies_on(self, day):
        return self.starts_on() <= day

    def per_household_figures(self):
        """(单元楼, other) per-household amounts as the policy writes them: 1500.00 → "1,500"."""
        amounts = (self.per_household_unit_building, self.per_household_other)
        return tuple(yuan_figure(amount) for amount in amounts if amount is not None)

    def clean(self):
        super().clean()
        required = {
            self.Kind.CONTRACT_SHARE: ("category", "percentage"),
            self.Kind.PER_HOUSEHOLD: ("per_household_unit_building", "per_household_other"),
            self.Kind.ITEM_PAYER: ("percentage",),
        }.get(self.kind, ())
        errors = {
            name: _("This kind of rule needs it.") for name in required if getattr(self, name) in (None, "")
        }
        # The date may still be the text that failed its own field's check.
        starts = self.effective_from
        if isinstance(starts, datetime.date) and self.section_id and starts < self.policy.effective_from:
            errors["effective_from"] = _("A rule cannot apply before its policy (%(day)s).") % {
                "day": self.policy.effective_from.isoformat()
            }
        if errors:
            raise ValidationError(errors)


class IgnoredProposal(BaseModel):
    """A rule's proposal for a project that staff chose not to plan, with the figures it showed then
    (its basis): once the figures change, the proposal is shown again."""

    project = models.ForeignKey(
        Project, verbose_name=_("renovation project"), on_delete=models.CASCADE, related_name="+"
    )
    rule = models.ForeignKey(
        FundingRule, verbose_name=_("funding rule"), on_delete=models.CASCADE, related_name="+"
    )
    basis = models.CharField(_("basis"), max_length=300)
    ignored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("ignored by"), on_delete=models.PROTECT, related_name="+"
    )

    scope = MoneyScope("rule__source__category")

    class Meta:
        verbose_name = _("ignored proposal")
        verbose_name_plural = _("ignored proposals")
        ordering = ["project", "rule"]
        constraints = [
            models.UniqueConstraint(fields=["project", "rule"], name="ignored_proposal_once_per_rule")
        ]

    def __str__(self):
        return f"{self.project} · {self.rule}"

    def get_absolute_url(self):
        return reverse("funding:project_funding", args=[self.project_id])
