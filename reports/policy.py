"""The reports section of a city's policy (org.policy): the day of the month the month's report is
built by the beat job, and after how many days without a progress report a project is listed as
lagging (reports.lagging reads ``stale_progress_days``). Left empty, a field takes its default."""

from django.utils.translation import gettext_lazy as _

from core.forms import ServiceModelForm
from core.money import UnitInput
from org.policy import PolicySection, register_policy_section

from .models.monthly import DEFAULT_REPORT_DAY, DEFAULT_STALE_PROGRESS_DAYS, ReportPolicy

SECTION_FIELDS = ("report_day", "stale_progress_days")
DEFAULTS = {"report_day": DEFAULT_REPORT_DAY, "stale_progress_days": DEFAULT_STALE_PROGRESS_DAYS}


def report_day(city, on=None):
    """The day of the month ``city``'s monthly report is built (the policy's, or the 25th)."""
    section = ReportPolicy.in_force(city, on)
    return section.report_day if section is not None else DEFAULT_REPORT_DAY


def stale_progress_days(city, on=None):
    """After how many days without a progress report a project of ``city`` is lagging (or 30)."""
    section = ReportPolicy.in_force(city, on)
    return section.stale_progress_days if section is not None else DEFAULT_STALE_PROGRESS_DAYS


class ReportPolicyForm(ServiceModelForm):
    class Meta:
        model = ReportPolicy
        fields = SECTION_FIELDS
        widgets = {
            "report_day": UnitInput(unit=_("day of the month")),
            "stale_progress_days": UnitInput(unit=_("days")),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in SECTION_FIELDS:
            self.fields[name].required = False

    def _default(self, name):
        value = self.cleaned_data.get(name)
        return DEFAULTS[name] if value is None else value

    def clean_report_day(self):
        return self._default("report_day")

    def clean_stale_progress_days(self):
        return self._default("stale_progress_days")


def register():
    register_policy_section(
        PolicySection(
            key="reports",
            label=_("Reporting"),
            model=ReportPolicy,
            fields=SECTION_FIELDS,
            form_class=ReportPolicyForm,
            template="reports/_policy_rules.html",
            order=30,
        )
    )
