"""Regions, organisations and users: who works where."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel
from core.querysets import RestrictedQuerySet
from core.scoping import RegionScope


class Region(BaseModel):
    """A node of the administrative tree: province → city → district/county → street/town → community."""

    class Level(models.IntegerChoices):
        PROVINCE = 1, _("province")
        CITY = 2, _("city")
        DISTRICT = 3, _("district or county")
        STREET = 4, _("street or town")
        COMMUNITY = 5, _("community")

    code = models.CharField(
        _("division code"),
        max_length=12,
        unique=True,
        help_text=_("The statistical division code, e.g. 370303 for Zhangdian District."),
    )
    name = models.CharField(_("name"), max_length=100)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Codes from the root down, each followed by "/": a region's subtree is path__startswith.
    path = models.CharField(_("path"), max_length=255, unique=True, editable=False)

    scope = RegionScope("path")

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["path"]
        permissions = [("work_in_region", _("Can work in this region and everything under it"))]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="region_name_unique_among_siblings"),
            models.CheckConstraint(condition=models.Q(level__gte=1, level__lte=5), name="region_level_known"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("org:region_detail", args=[self.pk])

    def build_path(self):
        return f"{self.parent.path if self.parent_id else ''}{self.code}/"

    def clean(self):
        if self.level not in self.Level.values:
            return  # missing or invalid: the level's own field error says so
        if self.parent_id is None and self.level > self.Level.CITY:
            raise ValidationError({"parent": _("A district, street or community needs a parent region.")})
        if self.parent_id is not None and self.level != self.parent.level + 1:
            raise ValidationError(
                {
                    "level": _("A %(parent_level)s can only contain regions of the next level.")
                    % {"parent_level": self.parent.get_level_display()}
                }
            )

    def full_name(self):
        """Names from the city down, e.g. 淄博市 张店区 车站街道."""
        return " ".join(r.name for r in self.ancestors(include_self=True) if r.level >= self.Level.CITY)

    def ancestors(self, include_self=False):
        codes = [c for c in self.path.split("/") if c]
        if not include_self:
            codes = codes[:-1]
        return list(Region.objects.filter(code__in=codes).order_by("level"))


class Organisation(BaseModel):
    """A body that uses the portal (a bureau, a street office, a department), covering one region."""

    class Kind(models.TextChoices):
        CITY_BUREAU = "city_bureau", _("city housing and urban-rural development bureau")
        DISTRICT_BUREAU = "district_bureau", _("district or county housing bureau")
        STREET_OFFICE = "street_office", _("street office or town government")
        FINANCE = "finance", _("finance bureau")
        DEVELOPMENT_REFORM = "development_reform", _("development and reform commission")
        NATURAL_RESOURCES = "natural_resources", _("natural resources and planning bureau")
        ADMIN_APPROVAL = "admin_approval", _("administrative approval bureau")
        AUDIT = "audit", _("audit bureau")
        LEADING_GROUP = "leading_group", _("leading group for old compound renovation")
        OTHER = "other", _("other")

    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(
        _("short name"),
        max_length=20,
        blank=True,
        help_text=_("Used in document numbers, e.g. 淄建 in 淄建〔2026〕12号."),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("region covered"), on_delete=models.PROTECT, related_name="organisations"
    )

    scope = RegionScope("region__path")

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["region__path", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="organisation_name_unique_in_region"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("org:organisation_detail", args=[self.pk])


class PortalUserManager(UserManager.from_queryset(RestrictedQuerySet)):
    pass


class User(AbstractUser):
    """A person who logs in; belongs to one organisation and works within its region."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    objects = PortalUserManager()
    scope = RegionScope("organisation__region__path")

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self):
        full = self.get_full_name()
        return f"{full}（{self.username}）" if full else self.username

    def get_full_name(self):
        # Chinese names: family name first, no space.
        return f"{self.last_name}{self.first_name}".strip()

    def get_short_name(self):
        return self.get_full_name() or self.username

    def get_absolute_url(self):
        return reverse("admin:org_user_change", args=[self.pk])

    def get_scope_paths(self):
        """Region paths this user works in: its organisation's region plus regions granted one by
        one (guardian ``org.work_in_region``). None means everywhere (superusers)."""
        if self.is_superuser:
            return None
        if not hasattr(self, "_scope_paths"):
            from guardian.shortcuts import get_objects_for_user

            paths = set()
            if self.organisation_id:
                paths.add(self.organisation.region.path)
            granted = get_objects_for_user(
                self, "org.work_in_region", klass=Region, with_superuser=False, accept_global_perms=False
            )
            paths.update(granted.values_list("path", flat=True))
            # A path under another one adds nothing.
            ordered = sorted(paths)
            self._scope_paths = [p for p in ordered if not any(p != q and p.startswith(q) for q in ordered)]
        return self._scope_paths

    @property
    def role_codes(self):
        if not hasattr(self, "_role_codes"):
            self._role_codes = set(self.groups.values_list("name", flat=True))
        return self._role_codes


class CityPolicy(BaseModel):
    """A city's renovation policy: the dated document (title, 文号, effective date) whose rules each
    app keeps in its own section (org.policy.register_policy_section)."""

    city = models.ForeignKey(
        Region,
        verbose_name=_("city"),
        on_delete=models.PROTECT,
        related_name="policies",
        limit_choices_to={"level": Region.Level.CITY},
    )
    title = models.CharField(_("policy title"), max_length=200)
    document_number = models.CharField(
        _("document number"),
        max_length=50,
        help_text=_("The policy document's number, e.g. 淄政办发〔2020〕8号."),
    )
    effective_from = models.DateField(_("effective from"))

    scope = RegionScope("city__path")

    class Meta:
        verbose_name = _("city policy")
        verbose_name_plural = _("city policies")
        ordering = ["city__path", "-effective_from", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["city", "effective_from"], name="one_policy_per_city_and_day"),
        ]

    def __str__(self):
        return f"{self.title}（{self.document_number}）"

    def get_absolute_url(self):
        return reverse("org:citypolicy_detail", args=[self.pk])

    @classmethod
    def in_force(cls, city, on=None):
        """The policy of ``city`` in force on ``on`` (today by default), or None."""
        on = on or timezone.localdate()
        return cls.objects.filter(city=city, effective_from__lte=on).order_by("-effective_from").first()


class PolicySectionModel(BaseModel):
    """What every app's section of a city policy shares (org.policy.register_policy_section): it
    reads as its policy, links to the policy's page at its own anchor, and is found in force. The
    subclass declares its ``policy`` one-to-one field (with its own related name) and its scope."""

    section_anchor = ""  # the id of the section on the policy's page, e.g. "policy-funding"

    class Meta:
        abstract = True

    def __str__(self):
        return str(self.policy)

    def get_absolute_url(self):
        url = reverse("org:citypolicy_detail", args=[self.policy_id])
        return f"{url}#{self.section_anchor}" if self.section_anchor else url

    @classmethod
    def in_force(cls, city, on=None):
        """The section of ``city``'s newest policy in force on ``on`` (today) that has one, or None."""
        on = on or timezone.localdate()
        return (
            cls.objects.select_related("policy")
            .filter(policy__city=city, policy__effective_from__lte=on)
            .order_by("-policy__effective_from")
            .first()
        )
