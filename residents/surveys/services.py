"""Every write of survey campaigns and their answers.

A campaign covers compounds of the user's area; its area is the smallest region holding them, no
finer than a street (as a project's). A satisfaction survey asks only compounds whose project has
finished construction. One answer per household and campaign: ``response_save`` is what the
campaign page's import and the fast entry grid (residents.entry) both call, keyed by the grid row's
``entry_key`` so a row sent twice saves one answer."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.audit import audit_record, changes_between, model_snapshot
from core.models import AuditEntry
from org.models import Region
from projects.lifecycle.rules import common_path, project_area
from projects.models import Compound
from residents.models import CategoryScore, Household, SurveyCampaign, SurveyResponse
from residents.results.support import support_refresh

from .rules import ANSWER_FIELDS, check_answer, unbuilt_compounds

CAMPAIGN_EDITABLE = ("kind", "title", "opens_on", "closes_on", "note")
RESPONSE_FIELDS = (
    "origin", "answered_on", "agrees", "willing_to_contribute", "contribution_amount", "overall_score",
    "comment",
)  # fmt: skip


def _names(compounds):
    return "、".join(compound.name for compound in compounds)


def campaign_area(actor, compounds):
    """The area of a campaign over ``compounds``: the smallest region holding them, no finer than a
    street. ValidationError on ``compounds`` naming those outside ``actor``'s area, or when together
    they make a campaign of a region the actor does not work in."""
    compounds = list(compounds)
    if not compounds:
        raise ValidationError({"compounds": _("Choose at least one compound.")})
    visible = set(
        Compound.objects.restrict(actor).filter(pk__in=[c.pk for c in compounds]).values_list("pk", flat=True)
    )
    outside = [c for c in compounds if c.pk not in visible]
    if outside:
        raise ValidationError(
            {"compounds": _("Outside your area: %(compounds)s.") % {"compounds": _names(outside)}}
        )
    path = common_path([c.community.path for c in compounds])
    region = Region.objects.select_related("parent").filter(path=path).first() if path else None
    if region is None or region.level < Region.Level.CITY:
        raise ValidationError({"compounds": _("The compounds of one survey must lie in one city.")})
    region = project_area(region)
    paths = actor.get_scope_paths()
    if paths is not None and not any(region.path.startswith(p) for p in paths):
        raise ValidationError(
            {
                "compounds": _("Together these compounds make a survey of %(region)s, outside your area.")
                % {"region": region.name}
            }
        )
    return region


def _check_compounds(campaign, compounds, answered_compounds=()):
    if campaign.kind == SurveyCampaign.Kind.SATISFACTION:
        unbuilt = unbuilt_compounds(compounds)
        if unbuilt:
            raise ValidationError(
                {
                    "compounds": _(
                        "A satisfaction survey asks only compounds whose project has finished "
                        "construction; not yet: %(compounds)s."
                    )
                    % {"compounds": _names(unbuilt)}
                }
            )
    dropped = [c for c in answered_compounds if c not in compounds]
    if dropped:
        raise ValidationError(
            {
                "compounds": _("Households of %(compounds)s have answered; they stay in the survey.")
                % {"compounds": _names(dropped)}
            }
        )


def _check_answers_fit(campaign):
    """Once answered, a campaign keeps its kind and its dates keep every answer's day."""
    answers = SurveyResponse.objects.filter(campaign=campaign)
    if not answers.exists():
        return
    if campaign.kind != SurveyCampaign.objects.values_list("kind", flat=True).get(pk=campaign.pk):
        raise ValidationError({"kind": _("The survey has answers: its kind can no longer change.")})
    outside = answers.exclude(answered_on__range=(campaign.opens_on, campaign.closes_on))
    if campaign.opens_on and campaign.closes_on and outside.exists():
        raise ValidationError(
            {"closes_on": _("Some answers are dated outside these dates; the survey must keep them.")}
        )


def _snapshot(campaign, compounds):
    return {**model_snapshot(campaign), "compounds": sorted(c.name for c in compounds)}


@transaction.atomic
def campaign_save(*, actor, compounds, instance=None, **fields):
    """Create a campaign over ``compounds`` (``instance`` None) or change ``instance``."""
    compounds = list(Compound.objects.filter(pk__in=[c.pk for c in compounds]).select_related("community"))
    if instance is None:
        if not actor.has_perm("residents.add_surveycampaign"):
            raise PermissionDenied
        campaign = SurveyCampaign(created_by=actor)
        before, answered, covered = None, [], []
    else:
        if not actor.has_perm("residents.change_surveycampaign"):
            raise PermissionDenied
        try:
            campaign = (
                SurveyCampaign.objects.restrict(actor, "change").select_for_update().get(pk=instance.pk)
            )
        except SurveyCampaign.DoesNotExist:
            raise PermissionDenied from None
        covered = list(campaign.compounds.all())
        before = _snapshot(campaign, covered)
        answered = list(Compound.objects.filter(households__survey_responses__campaign=campaign).distinct())
    for name, value in fields.items():
        if name in CAMPAIGN_EDITABLE:
            setattr(campaign, name, value)
    campaign.region = campaign_area(actor, compounds)
    _check_compounds(campaign, compounds, answered)
    campaign.full_clean()
    if instance is not None:
        _check_answers_fit(campaign)
    campaign.save()
    campaign.compounds.set(compounds)
    support_refresh([*covered, *compounds])  # the compounds it left, and those whose newest it may be
    after = _snapshot(campaign, compounds)
    if before is None:
        audit_record(actor=actor, action=AuditEntry.Action.CREATE, obj=campaign, changes=after)
    else:
        changes = changes_between(before, after)
        if changes:
            audit_record(actor=actor, action=AuditEntry.Action.UPDATE, obj=campaign, changes=changes)
    return campaign


@transaction.atomic
def campaign_delete(*, actor, instance):
    """Delete a campaign no household has answered yet (answers are records: close it instead)."""
    if not actor.has_perm("residents.delete_surveycampaign"):
        raise PermissionDenied
    try:
        campaign = SurveyCampaign.objects.restrict(actor, "delete").select_for_update().get(pk=instance.pk)
    except SurveyCampaign.DoesNotExist:
        raise PermissionDenied from None
    if SurveyResponse.objects.filter(campaign=campaign).exists():
        raise ValidationError(_("Households have answered this survey: it is kept as a record."))
    compounds = list(campaign.compounds.all())
    changes = _snapshot(campaign, compounds)
    audit_record(actor=actor, action=AuditEntry.Action.DELETE, obj=campaign, changes=changes)
    campaign.delete()
    support_refresh(compounds)


# --- answers -----------------------------------------------------------------------------------


def _answer_snapshot(response):
    return {
        **model_snapshot(response, (*RESPONSE_FIELDS, "household")),
        "wanted_items": sorted(item.name for item in response.wanted_items.all()),
        "category_scores": {
            str(score.category): score.score
            for score in response.category_scores.select_related("category").order_by("category")
        },
    }


def _check_household_reachable(actor, campaign, household):
    from residents.models import Household

    if not Household.objects.restrict(actor).filter(pk=household.pk).exists():
        raise PermissionDenied
    if not SurveyCampaign.objects.restrict(actor).filter(pk=campaign.pk).exists():
        raise PermissionDenied


def _write_answer(response, values):
    for name in RESPONSE_FIELDS:
        value = values.get(name)
        if name in ("agrees", "comment"):
            value = value or ""
        setattr(response, name, value)
    response.full_clean(exclude=["entry_key"])
    response.save()
    response.wanted_items.set(values.get("wanted_items") or [])
    scores = {
        getattr(category, "pk", category): score
        for category, score in (values.get("category_scores") or {}).items()
        if score not in (None, "")
    }
    CategoryScore.objects.filter(response=response).exclude(category_id__in=scores).delete()
    existing = dict(response.category_scores.values_list("category_id", "score"))
    for category_id, score in scores.items():
        if existing.get(category_id) != score:
            CategoryScore.objects.update_or_create(
                response=response, category_id=category_id, defaults={"score": score}
            )


def response_save(*, actor, campaign, household, values, entry_key=None):
    """Save ``household``'s answer ``values`` (see residents.surveys.rules) to ``campaign``.

    With ``entry_key`` (the grid row's key) the answer saved before under that key is changed, so a
    row retried after a dropped connection saves once; else a new answer is created. A household
    that has answered already is refused (ValidationError on ``household``), as is every value
    ``check_answer`` refuses, each under its key. Saving the same values again writes nothing."""
    unknown = set(values) - set(ANSWER_FIELDS) - {"entry_key"}
    if unknown:
        raise TypeError(f"Unknown answer fields: {', '.join(sorted(unknown))}")
    _check_household_reachable(actor, campaign, household)
    try:
        with transaction.atomic():
            return _response_save(actor, campaign, household, values, entry_key)
    except IntegrityError:
        # Another request saved the same row (its entry key) or the same household a moment ago.
        if entry_key and SurveyResponse.objects.filter(entry_key=entry_key).exists():
            with transaction.atomic():
                return _response_save(actor, campaign, household, values, entry_key)
        raise ValidationError({"household": _("This household has already answered this survey.")}) from None


def _response_save(actor, campaign, household, values, entry_key):
    response = None
    if entry_key:
        response = (
            SurveyResponse.objects.select_for_update()
            .filter(entry_key=entry_key)
            .select_related("campaign")
            .first()
        )
        if response is not None and response.campaign_id != campaign.pk:
            raise ValidationError({"household": _("This row was saved to another survey.")})
    permission = "residents.change_surveyresponse" if response else "residents.add_surveyresponse"
    if not actor.has_perm(permission):
        raise PermissionDenied
    if (
        response is not None
        and not SurveyResponse.objects.restrict(actor, "change").filter(pk=response.pk).exists()
    ):
        raise PermissionDenied
    errors = check_answer(campaign, household, {**values, "entry_key": entry_key}, response=response)
    if errors:
        raise ValidationError(errors)
    if response is None:
        response = SurveyResponse(campaign=campaign, entered_by=actor, entry_key=entry_key)
        before = None
    else:
        before = _answer_snapshot(response)
    touched = {household.compound_id}
    if response.pk and response.household_id != household.pk:
        touched.update(
            Household.objects.filter(pk=response.household_id).values_list("compound_id", flat=True)
        )
    response.campaign = campaign
    response.household = household
    with transaction.atomic():
        _write_answer(response, values)
        support_refresh(touched)
    after = _answer_snapshot(response)
    if before is None:
        audit_record(actor=actor, action=AuditEntry.Action.CREATE, obj=response, changes=after)
    else:
        changes = changes_between(before, after)
        if changes:
            audit_record(actor=actor, action=AuditEntry.Action.UPDATE, obj=response, changes=changes)
    return response


@transaction.atomic
def response_delete(*, actor, response):
    """Delete one answer (a row of the grid typed by mistake)."""
    if not actor.has_perm("residents.delete_surveyresponse"):
        raise PermissionDenied
    try:
        response = SurveyResponse.objects.restrict(actor, "delete").select_for_update().get(pk=response.pk)
    except SurveyResponse.DoesNotExist:
        raise PermissionDenied from None
    audit_record(
        actor=actor, action=AuditEntry.Action.DELETE, obj=response, changes=_answer_snapshot(response)
    )
    response.delete()
    support_refresh([response.household.compound_id])
