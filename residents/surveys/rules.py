"""The rules of one household's answer to a campaign, as plain functions: the campaign page's import,
the fast entry grid (residents.entry) and ``response_save`` all ask ``check_answer`` and show its
messages where the value was typed (a grid's cell, a file's column).

``values`` holds what was typed, already read into Python values, under these keys (any may be
left out; a missing key counts as empty):

- ``origin``: a ``SurveyResponse.Origin`` value ("door", "paper", "phone", "online")
- ``answered_on``: a date
- ``agrees``: a ``SurveyResponse.Agreement`` value, or "" (needs survey)
- ``wanted_items``: RenovationItem objects or their primary keys (needs survey)
- ``willing_to_contribute``: True, False or None (needs survey)
- ``contribution_amount``: Decimal yuan or None (needs survey)
- ``overall_score``: 1–5 or None (satisfaction survey)
- ``category_scores``: {ItemCategory or its primary key: 1–5} (satisfaction survey)
- ``comment``: text

``check_answer`` returns {key: message}; a category's score is reported under
``category_score_key(category_pk)``. An empty dict means the answer may be saved."""

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _

from projects.models import ItemCategory, Project, RenovationItem
from residents.models import SurveyCampaign, SurveyResponse

ANSWER_FIELDS = (
    "origin", "answered_on", "agrees", "wanted_items", "willing_to_contribute", "contribution_amount",
    "overall_score", "category_scores", "comment",
)  # fmt: skip
NEEDS_FIELDS = ("agrees", "wanted_items", "willing_to_contribute", "contribution_amount")
SATISFACTION_FIELDS = ("overall_score", "category_scores")
MAX_AMOUNT = Decimal("999999999999.99")
COMMENT_LENGTH = 500
# A project past construction (accepted, handed over, audited or closed) is done: its residents
# may be asked how satisfied they are.
BUILT_STAGES = (
    Project.Stage.ACCEPTANCE, Project.Stage.HANDOVER, Project.Stage.AUDIT, Project.Stage.CLOSED,
)  # fmt: skip


@dataclass(frozen=True)
class AnswerLookups:
    """What ``check_answer`` would otherwise read from the database for each answer, read once for
    many (a file's rows): the (campaign pk, household pk) pairs answered already, the primary keys
    of the catalogue's items on offer, and those of the item categories."""

    answered: frozenset
    offered_items: frozenset
    categories: frozenset

    @classmethod
    def load(cls, campaigns):
        return cls(
            answered=frozenset(
                SurveyResponse.objects.filter(campaign__in=campaigns).values_list(
                    "campaign_id", "household_id"
                )
            ),
            offered_items=frozenset(RenovationItem.objects.filter(active=True).values_list("pk", flat=True)),
            categories=frozenset(ItemCategory.objects.values_list("pk", flat=True)),
        )


def category_score_key(category):
    """The key of a category's score in ``check_answer``'s errors: ``category_score_<pk>``."""
    return f"category_score_{getattr(category, 'pk', category)}"


def _pk(value):
    return getattr(value, "pk", value)


def _empty(value):
    return value in (None, "", [], (), {}, set())


def _is_score(value):
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 5


def _check_household(campaign, household, errors):
    compound_ids = {compound.pk for compound in campaign.compounds.all()}
    if household.compound_id not in compound_ids:
        errors["household"] = _("This household lives in %(compound)s, which this survey does not cover.") % {
            "compound": household.compound
        }


def _check_unanswered(campaign, household, values, response, errors, lookups):
    if lookups is not None:
        if (campaign.pk, household.pk) in lookups.answered:
            errors["household"] = _("This household has already answered this survey.")
        return
    others = SurveyResponse.objects.filter(campaign=campaign, household=household)
    if response is not None and response.pk:
        others = others.exclude(pk=response.pk)
    if values.get("entry_key"):
        others = others.exclude(entry_key=values["entry_key"])
    if others.exists():
        errors["household"] = _("This household has already answered this survey.")


def _check_common(campaign, values, errors):
    origin = values.get("origin")
    if _empty(origin):
        errors["origin"] = _("Say how the answer was taken.")
    elif origin not in SurveyResponse.Origin.values:
        errors["origin"] = _("Choose one of: %(options)s.") % {
            "options": "、".join(str(label) for label in SurveyResponse.Origin.labels)
        }
    day = values.get("answered_on")
    if _empty(day):
        errors["answered_on"] = _("Give the day of the answer.")
    elif not isinstance(day, datetime.date):
        errors["answered_on"] = _("Write the day as 2026-03-31.")
    elif not campaign.accepts_answers_dated(day):
        errors["answered_on"] = _("The survey runs from %(opens)s to %(closes)s.") % {
            "opens": campaign.opens_on.isoformat(),
            "closes": campaign.closes_on.isoformat(),
        }
    elif day > timezone.localdate():
        errors["answered_on"] = _("The day of the answer cannot be in the future.")
    comment = values.get("comment") or ""
    if len(str(comment)) > COMMENT_LENGTH:
        errors["comment"] = _("At most %(n)d characters (this has %(len)d).") % {
            "n": COMMENT_LENGTH,
            "len": len(str(comment)),
        }


def _check_needs(values, errors, lookups):
    agrees = values.get("agrees")
    if _empty(agrees):
        errors["agrees"] = _("Say whether the household agrees.")
    elif agrees not in SurveyResponse.Agreement.values:
        errors["agrees"] = _("Choose one of: %(options)s.") % {
            "options": "、".join(str(label) for label in SurveyResponse.Agreement.labels)
        }
    wanted = {_pk(item) for item in values.get("wanted_items") or ()}
    if wanted:
        if lookups is not None:
            offered = wanted & lookups.offered_items
        else:
            offered = set(
                RenovationItem.objects.filter(pk__in=wanted, active=True).values_list("pk", flat=True)
            )
        if wanted - offered:
            errors["wanted_items"] = _("Choose items of the catalogue.")
    willing = values.get("willing_to_contribute")
    if willing not in (None, True, False):
        errors["willing_to_contribute"] = _("Write 是 or 否.")
    amount = values.get("contribution_amount")
    if not _empty(amount):
        try:
            amount = Decimal(amount)
        except (InvalidOperation, TypeError, ValueError):
            errors["contribution_amount"] = _("Write the amount in yuan, e.g. 1500.")
            return
        if willing is False:
            errors["contribution_amount"] = _("A household not willing to contribute names no amount.")
        elif not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT:
            errors["contribution_amount"] = _("Write the amount in yuan, e.g. 1500.")
        elif amount != amount.quantize(Decimal("0.01")):
            errors["contribution_amount"] = _("At most two decimal places (fen).")


def _check_satisfaction(values, errors, lookups):
    overall = values.get("overall_score")
    if _empty(overall):
        errors["overall_score"] = _("Give the overall score, from 1 to 5.")
    elif not _is_score(overall):
        errors["overall_score"] = _("A score is a whole number from 1 to 5.")
    scores = {_pk(category): score for category, score in (values.get("category_scores") or {}).items()}
    if lookups is not None:
        known = set(scores) & lookups.categories
    else:
        known = (
            set(ItemCategory.objects.filter(pk__in=scores).values_list("pk", flat=True)) if scores else set()
        )
    for category, score in scores.items():
        if category not in known:
            errors[category_score_key(category)] = _("No such category of items.")
        elif not _empty(score) and not _is_score(score):
            errors[category_score_key(category)] = _("A score is a whole number from 1 to 5.")


def _check_kind(campaign, values, errors, lookups):
    needs = campaign.kind == SurveyCampaign.Kind.NEEDS
    foreign = SATISFACTION_FIELDS if needs else NEEDS_FIELDS
    message = (
        _("A needs survey asks for no scores.")
        if needs
        else _("A satisfaction survey asks only for scores and a comment.")
    )
    for name in foreign:
        value = values.get(name)
        if name == "category_scores":
            value = {k: v for k, v in (value or {}).items() if not _empty(v)}
        if not _empty(value):
            errors[name] = message
    if needs:
        _check_needs(values, errors, lookups)
    else:
        _check_satisfaction(values, errors, lookups)


def check_answer(campaign, household, values, *, response=None, lookups=None):
    """Every reason ``household``'s answer ``values`` cannot be saved to ``campaign``, as {key:
    message} (see the module's docstring for the keys). ``response`` is the answer being changed,
    if any (a row saved again by its ``entry_key`` in ``values`` counts as the same answer).
    ``lookups`` (``AnswerLookups``) answers from memory what would be read per answer (a new answer's
    check only: it knows no ``response`` or ``entry_key``)."""
    errors = {}
    _check_household(campaign, household, errors)
    if "household" not in errors:
        _check_unanswered(campaign, household, values, response, errors, lookups)
    _check_common(campaign, values, errors)
    _check_kind(campaign, values, errors, lookups)
    return errors


def unbuilt_compounds(compounds):
    """The compounds of ``compounds`` with no project past construction: a satisfaction survey cannot
    ask them yet."""
    compounds = list(compounds)
    built = set(
        Project.compounds.through.objects.filter(
            compound__in=compounds, project__stage__in=BUILT_STAGES
        ).values_list("compound_id", flat=True)
    )
    return [compound for compound in compounds if compound.pk not in built]
