"""Residents' section of a city's policy (org.policy): the support threshold and minimum
participation a compound's needs survey must reach (residents.results), whether that blocks the
annual plan (the "residents agree" guard on declaring), how many days a complaint may wait for an
answer, and how many years households' personal data is kept after their project closed. Left
empty, a field takes its default (two thirds, 15 days, 5 years)."""

from django.utils.translation import gettext_lazy as _

from core.forms import ServiceModelForm
from core.money import UnitInput
from org.policy import PolicySection, register_policy_section

from .models.policy import DEFAULT_COMPLAINT_DAYS, DEFAULT_RETENTION_YEARS, TWO_THIRDS, ResidentPolicy

SECTION_FIELDS = (
    "support_threshold", "min_participation", "support_blocks_plan", "complaint_days", "retention_years",
)  # fmt: skip
DEFAULTS = {
    "support_threshold": TWO_THIRDS,
    "min_participation": TWO_THIRDS,
    "complaint_days": DEFAULT_COMPLAINT_DAYS,
    "retention_years": DEFAULT_RETENTION_YEARS,
}


class ResidentPolicyForm(ServiceModelForm):
    class Meta:
        model = ResidentPolicy
        fields = SECTION_FIELDS
        widgets = {
            "support_threshold": UnitInput(unit="%"),
            "min_participation": UnitInput(unit="%"),
            "complaint_days": UnitInput(unit=_("days")),
            "retention_years": UnitInput(unit=_("years")),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in DEFAULTS:
            self.fields[name].required = False

    def _default(self, name):
        value = self.cleaned_data.get(name)
        return DEFAULTS[name] if value is None else value

    def clean_support_threshold(self):
        return self._default("support_threshold")

    def clean_min_participation(self):
        return self._default("min_participation")

    def clean_complaint_days(self):
        return self._default("complaint_days")

    def clean_retention_years(self):
        return self._default("retention_years")


def register():
    register_policy_section(
        PolicySection(
            key="residents",
            label=_("Residents"),
            model=ResidentPolicy,
            fields=SECTION_FIELDS,
            form_class=ResidentPolicyForm,
            template="residents/_policy_rules.html",
            order=25,
        )
    )
