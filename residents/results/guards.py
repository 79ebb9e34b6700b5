"""What residents' support adds to the project lifecycle (projects.lifecycle.transitions): where
the city's residents' rules in force say residents must agree, a project is declared for the annual
plan only when every one of its compounds' newest closed needs survey reaches the support threshold
and the minimum participation (居民同意); finishing the needs survey warns of a compound that has
none yet. A city without residents' rules in force sees neither."""

from django.utils.translation import gettext as _

from projects.lifecycle.transitions import Reason, register_guard, register_warning
from residents.models import ResidentPolicy, SurveyCampaign

from .selectors import compound_support, percent

SUPPORT_PAGE = "residents:project_support"  # takes the project's pk: each compound's rates and survey


def _compounds(project):
    return list(project.compounds.order_by("name", "pk").only("pk", "name", "city_id", "household_count"))


def residents_agree(project):
    """The reasons, one per compound, its residents do not agree yet; each leads to the project's
    support page, which links to the survey's results."""
    rules = ResidentPolicy.in_force(project.city_id)
    if rules is None or not rules.support_blocks_plan:
        return []
    compounds = _compounds(project)
    support = compound_support(compounds, closed_only=True)
    reasons = []
    for compound in compounds:
        figures = support[compound.pk]
        values = {
            "compound": compound.name,
            "support": percent(figures.support),
            "threshold": percent(figures.rules.support_threshold),
            "participation": percent(figures.participation),
            "minimum": percent(figures.rules.min_participation),
        }
        if figures.campaign_id is None:
            text = _("%(compound)s: no needs survey has closed yet (residents must agree first)") % values
            reasons.append(Reason(text, fix=SUPPORT_PAGE))
            continue
        if not figures.meets_threshold:
            text = _("%(compound)s: support rate %(support)s%%, below %(threshold)s%%") % values
            reasons.append(Reason(text, fix=SUPPORT_PAGE))
        if not figures.meets_participation:
            text = _("%(compound)s: participation %(participation)s%%, below %(minimum)s%%") % values
            reasons.append(Reason(text, fix=SUPPORT_PAGE))
    return reasons


def needs_survey_missing(project):
    """Finishing the needs survey while a compound has none recorded (where the city has residents'
    rules in force): shown beside the step, never blocking it."""
    if ResidentPolicy.in_force(project.city_id) is None:
        return []
    surveyed = set(
        SurveyCampaign.compounds.through.objects.filter(
            compound__projects=project, surveycampaign__kind=SurveyCampaign.Kind.NEEDS
        ).values_list("compound_id", flat=True)
    )
    return [
        _("%(compound)s has no needs survey yet.") % {"compound": compound.name}
        for compound in _compounds(project)
        if compound.pk not in surveyed
    ]


def register():
    register_guard("declare", residents_agree)
    register_warning("finish_survey", needs_survey_missing)
