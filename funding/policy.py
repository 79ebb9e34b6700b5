"""Funding's section of a city's policy (org.policy): how long received money may lie idle, edited
with the policy, and the funding rules, each added, edited and deleted on its own from the policy
page by the city's administrators. A rule names its kind, its figures, the source it plans into,
the day it applies from and its document (文号); funding.rules turns it into proposals.

A rule belongs to the policy document: its changes are written in the policy's history."""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.audit import audit_record, changes_between, model_snapshot
from core.forms import ServiceModelForm
from core.models import AuditEntry
from core.money import UnitInput
from org.models import CityPolicy
from org.policy import PolicySection, register_policy_section
from projects.models import ItemCategory, RenovationItem

from .models import DEFAULT_IDLE_DAYS, FundingPolicy, FundingRule, FundingSource

SECTION_FIELDS = ("funds_idle_days",)
# What each kind of rule is made of, besides the source, its date, its number and its note.
KIND_FIELDS = {
    FundingRule.Kind.CONTRACT_SHARE: ("category", "items", "percentage", "provincial_plan_only"),
    FundingRule.Kind.PER_HOUSEHOLD: ("per_household_unit_building", "per_household_other"),
    FundingRule.Kind.ITEM_PAYER: ("items", "percentage"),
}
COMMON_FIELDS = ("source", "effective_from", "document_number", "note")
RULE_FIELDS = (
    "source", "category", "items", "percentage", "provincial_plan_only", "per_household_unit_building",
    "per_household_other", "effective_from", "document_number", "note",
)  # fmt: skip


class FundingPolicyForm(ServiceModelForm):
    """The section's settings; left empty, the idle days are the usual 90."""

    class Meta:
        model = FundingPolicy
        fields = SECTION_FIELDS
        widgets = {"funds_idle_days": UnitInput(unit=_("days"))}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["funds_idle_days"].required = False

    def clean_funds_idle_days(self):
        days = self.cleaned_data.get("funds_idle_days")
        return DEFAULT_IDLE_DAYS if days is None else days


class FundingRuleForm(ServiceModelForm):
    """One rule, with the fields of its kind only."""

    class Meta:
        model = FundingRule
        fields = RULE_FIELDS
        widgets = {
            "items": forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
            "percentage": UnitInput(unit="%"),
            "per_household_unit_building": UnitInput(unit=_("yuan per household")),
            "per_household_other": UnitInput(unit=_("yuan per household")),
            "effective_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, kind, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        keep = set(COMMON_FIELDS) | set(KIND_FIELDS[kind])
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        self.fields["source"].queryset = FundingSource.objects.filter(active=True)
        if "category" in self.fields:
            self.fields["category"].queryset = ItemCategory.objects.all()
            self.fields["category"].required = True
            self.fields["percentage"].required = True
            self.fields["items"].label = _("items of other categories counted with it")
            self.fields["items"].help_text = _(
                "淄博 counts the community and property-service rooms with the basic items."
            )
        if kind == FundingRule.Kind.ITEM_PAYER:
            self.fields["items"].label = _("items it pays for")
            self.fields["items"].required = True
            self.fields["percentage"].label = _("share it pays")
            self.fields["percentage"].required = True
            self.initial.setdefault("percentage", 100)
        if kind == FundingRule.Kind.PER_HOUSEHOLD:
            for name in ("per_household_unit_building", "per_household_other"):
                self.fields[name].required = True
            self.fields["per_household_unit_building"].help_text = _(
                "A compound counts as unit buildings (单元楼) when every building recorded has at least "
                "two storeys (with no building recorded: when its highest storeys are two or more)."
            )
        if "items" in self.fields:
            items = RenovationItem.objects.select_related("category")
            if self.instance.pk:  # a retired item stays checked where it was
                chosen = self.instance.items.values("pk")
                items = items.filter(Q(active=True) | Q(pk__in=chosen))
            else:
                items = items.filter(active=True)
            self.fields["items"].queryset = items

    def item_groups(self):
        """The item checkboxes under their categories' names."""
        if "items" not in self.fields:
            return []
        names = {str(item.pk): item.category.name for item in self.fields["items"].queryset}
        groups = {}
        for option in self["items"]:
            groups.setdefault(names.get(str(option.data["value"]), ""), []).append(option)
        return list(groups.items())


def register():
    register_policy_section(
        PolicySection(
            key="funding",
            label=_("Funding"),
            model=FundingPolicy,
            fields=SECTION_FIELDS,
            form_class=FundingPolicyForm,
            template="funding/_policy_rules.html",
            order=20,
        )
    )


# --- Services of the rules -----------------------------------------------------------------------


def _locked_policy(actor, policy, action):
    """The policy again, locked, when ``actor`` may ``action`` funding rules in its city."""
    if not actor.has_perm(f"funding.{action}_fundingrule"):
        raise PermissionDenied
    try:
        return CityPolicy.objects.restrict(actor, "change").select_for_update(of=("self",)).get(pk=policy.pk)
    except CityPolicy.DoesNotExist:
        raise PermissionDenied from None


def _rule_snapshot(rule):
    snapshot = model_snapshot(rule, ["kind", *(name for name in RULE_FIELDS if name != "items")])
    snapshot["items"] = sorted(item.name for item in rule.items.all()) if rule.pk else []
    return snapshot


def _save(rule, items):
    rule.full_clean()
    rule.save()
    if items is not None:
        rule.items.set(items)
    if rule.kind == FundingRule.Kind.ITEM_PAYER and not rule.items.exists():
        raise ValidationError({"items": _("Choose the items it pays for.")})


def _audit(actor, policy, summary, rule, changes):
    """Written in the policy's history: the rule's figures (added, deleted) or what changed in them."""
    audit_record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        obj=policy,
        summary=summary,
        changes={str(rule): {key: value for key, value in changes.items() if value not in (None, "", [])}},
    )


def fundingrule_create(*, actor, policy, kind, items=None, **fields):
    """A rule of ``kind`` added to ``policy`` (and the policy's funding section, if it had none)."""
    with transaction.atomic():
        policy = _locked_policy(actor, policy, "add")
        section, _created = FundingPolicy.objects.get_or_create(policy=policy)
        rule = FundingRule(section=section, kind=kind, **fields)
        _save(rule, items)
        _audit(actor, policy, _("Funding rule added: %(rule)s") % {"rule": rule}, rule, _rule_snapshot(rule))
    return rule


def fundingrule_update(*, actor, instance, items=None, **fields):
    with transaction.atomic():
        policy = _locked_policy(actor, instance.section.policy, "change")
        rule = FundingRule.objects.select_for_update(of=("self",)).get(pk=instance.pk, section__policy=policy)
        before = _rule_snapshot(rule)
        for name, value in fields.items():
            setattr(rule, name, value)
        _save(rule, items)
        changes = changes_between(before, _rule_snapshot(rule))
        if changes:
            _audit(actor, policy, _("Funding rule changed: %(rule)s") % {"rule": rule}, rule, changes)
    return rule


def fundingrule_delete(*, actor, instance):
    with transaction.atomic():
        policy = _locked_policy(actor, instance.section.policy, "delete")
        rule = FundingRule.objects.get(pk=instance.pk, section__policy=policy)
        snapshot = _rule_snapshot(rule)
        _audit(actor, policy, _("Funding rule deleted: %(rule)s") % {"rule": rule}, rule, snapshot)
        rule.delete()
