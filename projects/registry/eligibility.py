"""Whether a compound may be renovated, from its city's policy in force (a rule kept as data)."""

from django.db.models import Q
from django.utils.translation import gettext as _

from projects.models import Compound, ProjectPolicy

E = Compound.Eligibility


def built_in_time(year_built, policy):
    """Only the year is known: a compound built in the cutoff's own year counts only when the
    cutoff is the last day of that year (2000-12-31 admits 2000; 2005-06-30 does not admit 2005)."""
    cutoff = policy.built_before
    if cutoff.month == 12 and cutoff.day == 31:
        return year_built <= cutoff.year
    return year_built < cutoff.year


def policy_in_force(city):
    """The project rules of the city's policy in force today, which judge its compounds (None:
    no policy yet)."""
    return ProjectPolicy.in_force(city)


def verdict(compound, policy):
    if policy is None:
        return E.NO_POLICY
    if policy.exclude_shanty_town_areas and compound.in_shanty_town_area:
        return E.SHANTY_TOWN
    if policy.exclude_self_built_housing and compound.self_built:
        return E.SELF_BUILT
    if not built_in_time(compound.year_built, policy):
        return E.BUILT_AFTER_CUTOFF
    return E.ELIGIBLE


def explanation(compound, policy):
    """The verdict as a sentence that names the rule, e.g. 建成于2003年，晚于本市政策截止日期2000-12-31."""
    if policy is None:
        return _("The city has no renovation policy in the portal yet.")
    values = {
        "year": compound.year_built,
        "cutoff": policy.built_before.isoformat(),
        "policy": policy.policy.title,
        "number": policy.policy.document_number,
    }
    sentences = {
        E.ELIGIBLE: _("Built in %(year)s, not later than the city's cutoff date %(cutoff)s: eligible."),
        E.BUILT_AFTER_CUTOFF: _("Built in %(year)s, later than the city's cutoff date %(cutoff)s."),
        E.SHANTY_TOWN: _("Lies in a shanty-town redevelopment area, which the city's policy excludes."),
        E.SELF_BUILT: _("Self-built housing, which the city's policy excludes."),
    }
    code = verdict(compound, policy)
    # Chinese sentences follow each other without a space; the translation decides.
    return _("%(verdict)s %(rule)s") % {
        "verdict": sentences[code] % values,
        "rule": _("Rule: %(policy)s (%(number)s).") % values,
    }


def compounds_recompute_eligibility(*, city, policy=None):
    """Set every compound of ``city`` to its verdict under the policy in force; a few UPDATEs."""
    policy = policy if policy is not None else ProjectPolicy.in_force(city)
    compounds = Compound.objects.filter(city=city)
    if policy is None:
        return compounds.update(eligibility=E.NO_POLICY)
    cutoff = policy.built_before
    in_time = (
        Q(year_built__lte=cutoff.year)
        if (cutoff.month, cutoff.day) == (12, 31)
        else Q(year_built__lt=cutoff.year)
    )
    excluded_shanty = Q(in_shanty_town_area=True) if policy.exclude_shanty_town_areas else Q(pk__in=[])
    excluded_self = Q(self_built=True) if policy.exclude_self_built_housing else Q(pk__in=[])
    changed = compounds.filter(excluded_shanty).update(eligibility=E.SHANTY_TOWN)
    rest = compounds.exclude(excluded_shanty)
    changed += rest.filter(excluded_self).update(eligibility=E.SELF_BUILT)
    rest = rest.exclude(excluded_self)
    changed += rest.filter(in_time).update(eligibility=E.ELIGIBLE)
    changed += rest.exclude(in_time).update(eligibility=E.BUILT_AFTER_CUTOFF)
    return changed
