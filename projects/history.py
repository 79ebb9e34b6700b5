"""How the projects' entries in the audit log read: the keys the services record that are no field
of the entry's model, and the values a field cannot show by itself (money, the policy's calendar)."""

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.changes import register_change_key, register_value_display
from core.money import format_wan

from .models import (
    AnnualQuota,
    Attachment,
    Building,
    Compound,
    Finding,
    ProgressReport,
    Project,
    ProjectItem,
    ProjectPolicy,
    ProjectPrerequisite,
)
from .models.policy import DeadlineKind, Milestone, Prerequisite

MONEY_FIELDS = (
    (ProjectItem, "estimated_cost"),
    (ProjectItem, "bid_price"),
    (ProjectItem, "actual_cost"),
    (ProgressReport, "investment_to_date"),
    (AnnualQuota, "investment"),
)


def money_text(value):
    """元 as recorded → the figure in 万元 with its unit, as the pages show it (90 元 is not 0.00)."""
    return _("%(amount)s 10k yuan") % {"amount": format_wan(value)}


def photos_text(value):
    try:
        return _("%(count)s photos") % {"count": int(value)}
    except (TypeError, ValueError):
        return str(value)


def size_text(value):
    try:
        return filesizeformat(int(value))
    except (TypeError, ValueError):
        return str(value)


def prerequisites_text(value):
    kinds = value if isinstance(value, list) else [value]
    names = {member.value: str(member.label) for member in Prerequisite}
    return "、".join(names.get(kind, str(kind)) for kind in kinds) or "—"


def calendar_text(value):
    """{milestone: {"kind": …, "value": …}} → "项目完成摸底调查：计划年度前一年……月底前；…"."""
    if not isinstance(value, dict):
        return str(value)
    rows = []
    for milestone in Milestone:
        rule = value.get(milestone.value)
        if not isinstance(rule, dict):
            continue
        if rule.get("kind") in DeadlineKind.values:
            text = str(DeadlineKind(rule["kind"]).label).replace("…", str(rule.get("value")))
        else:
            text = str(rule.get("value", ""))
        rows.append(f"{milestone.label}：{text}")
    return "；".join(rows) or "—"


def register():
    for model, name in MONEY_FIELDS:
        register_value_display(model, name, money_text)
    register_value_display(ProjectPolicy, "deadlines", calendar_text)
    register_value_display(ProjectPolicy, "prerequisites", prerequisites_text)

    # What the project's services record about its child rows, on the project's own history.
    on_project = {
        # One kind, or the kinds a deleted evidence file unticked with it.
        "prerequisite": {
            "label": _label(ProjectPrerequisite, "kind"),
            "field": (ProjectPrerequisite, "kind"),
            "many": True,
        },
        "met_on": {"label": _label(ProjectPrerequisite, "met_on"), "field": (ProjectPrerequisite, "met_on")},
        "evidence": {
            "label": _label(ProjectPrerequisite, "evidence"),
            "field": (ProjectPrerequisite, "evidence"),
        },
        "note": {"label": gettext_lazy("note"), "field": (ProgressReport, "note")},
        "attachment": {"label": gettext_lazy("file"), "field": (Attachment, "filename")},
        "kind": {"label": _label(Attachment, "kind"), "field": (Attachment, "kind")},
        "size": {"label": gettext_lazy("file size"), "render": size_text},
        "photos": {"label": gettext_lazy("photos"), "render": photos_text},
        "finding": {"label": _label(Finding, "description"), "field": (Finding, "description")},
        "findings": {"label": gettext_lazy("findings"), "many": True},
        "closed_on": {"label": _label(Finding, "closed_on"), "field": (Finding, "closed_on")},
        "closure_note": {"label": _label(Finding, "closure_note"), "field": (Finding, "closure_note")},
        # A row of the item grid, under the item's name.
        "added": {"label": gettext_lazy("added, quantity"), "field": (ProjectItem, "quantity")},
        "removed": {"label": gettext_lazy("removed, quantity was"), "field": (ProjectItem, "quantity")},
    }
    for key, spec in on_project.items():
        register_change_key(Project, key, **spec)
    # A compound's buildings are recorded on the compound (the building importer).
    register_change_key(Compound, "building", _label(Building, "number"), field=(Building, "number"))


def _label(model, name):
    return model._meta.get_field(name).verbose_name
