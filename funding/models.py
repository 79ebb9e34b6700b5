"""The money of a project: where it comes from (sources), what is planned from each, what arrived
(receipts) and what was paid out (disbursements, released through the disbursement approval flow).

Amounts are Decimal yuan with two places, typed and shown in 万元 (core.money). A wrong entry is
never edited or deleted once it counts: a counter-entry (``reverses``, a negative amount, a reason)
takes it back and the ledger shows both. For each project and source the services keep disbursed ≤
received, under a lock on the project (funding.services).
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel
from core.money import format_wan
from core.scoping import RegionScope, Unscoped
from core.validators import not_in_future
from org.models import Region
from org.roles import STREET_CLERK
from projects.models import ProgressReport, Project, ProjectItem
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
    amount = models.DecimalField(_("planned amount"), **MONEY, validators=[MinValueValidator(0.01)])
    # When the line came from a rule (funding.rules): the rule, its document number and its figures.
    basis = models.CharField(_("basis"), max_length=300, blank=True)
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
