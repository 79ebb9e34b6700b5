"""Subjects an upper app sends through approval flows, registered from its AppConfig.ready().

``register_subject(Project, flows=[...], region_path=..., facts=..., on_decided=..., label=...)``
says, for one model: the flows it may go through, where an instance lies (its region path, copied
onto the request for scoping), its registered facts ({name: value}: what conditions read and what
"changed since the last round" compares), and what a request's end does to it (``on_decided``, run
inside the deciding transaction; raising a ValidationError there refuses the decision).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured, ValidationError
from django.utils.translation import gettext as _

from .models import Flow


class Outcome:
    """What ``on_decided`` is told: how the request ended (or went back to its submitter)."""

    APPROVED = "approved"
    REJECTED = "rejected"
    RETURNED = "returned"
    WITHDRAWN = "withdrawn"  # by its submitter (not when the subject's app settles it)


@dataclass(frozen=True)
class Subject:
    model: type
    flows: frozenset
    region_path: Callable
    facts: Callable
    on_decided: Callable
    label: str
    fact_labels: dict


_SUBJECTS = {}


def register_subject(model, *, flows, region_path, facts, on_decided, label, fact_labels=None):
    """Register ``model`` as the subject of ``flows`` (codes of Flow.Code). Registering a model twice,
    or for a flow that does not exist, fails at once (at startup). ``fact_labels`` ({name: label})
    names the facts on the request page; a fact without one reads as the model field of its name."""
    if model in _SUBJECTS:
        raise ImproperlyConfigured(f"{model.__name__} is already registered as an approval subject.")
    unknown = sorted(set(flows) - set(Flow.Code.values))
    if unknown or not flows:
        raise ImproperlyConfigured(
            f"{model.__name__}: no approval flow {', '.join(unknown) or '(none given)'}; known: "
            f"{', '.join(Flow.Code.values)}"
        )
    _SUBJECTS[model] = Subject(
        model=model,
        flows=frozenset(flows),
        region_path=region_path,
        facts=facts,
        on_decided=on_decided,
        label=label,
        fact_labels=dict(fact_labels or {}),
    )
    return _SUBJECTS[model]


def unregister_subject(model):
    """Forget ``model`` (tests that register a subject of their own)."""
    _SUBJECTS.pop(model, None)


def subject_for(model, flow_code=None):
    """The registration of ``model`` (for ``flow_code``, if given), or a ValidationError naming it."""
    subject = _SUBJECTS.get(model)
    if subject is None or (flow_code is not None and flow_code not in subject.flows):
        raise ValidationError(
            _("A %(subject)s cannot go through the flow “%(flow)s”.")
            % {
                "subject": model._meta.verbose_name,
                "flow": Flow.Code(flow_code).label if flow_code in Flow.Code.values else flow_code,
            }
        )
    return subject


def facts_of(obj):
    """The registered facts of ``obj`` as JSON-friendly values (numbers as text keep their digits)."""
    facts = subject_for(type(obj)).facts(obj)
    return {
        str(name): value if isinstance(value, (str, int, bool, type(None))) else str(value)
        for name, value in facts.items()
    }


def subject_label(model):
    """What a subject of ``model`` is called on the pages: its registered label, else the model's name."""
    subject = _SUBJECTS.get(model)
    return subject.label if subject is not None else model._meta.verbose_name


def fact_display(value):
    """A fact's value as a reader sees it: "—" for none, 是 / 否 for yes / no, else as recorded."""
    if value is None or value == "":
        return "—"
    if value is True:
        return _("Yes")
    if value is False:
        return _("No")
    return value


def fact_label(model, name):
    """The label of the fact ``name`` of ``model``: registered, else the model field's, else the name."""
    subject = _SUBJECTS.get(model)
    if subject is not None and name in subject.fact_labels:
        return subject.fact_labels[name]
    try:
        return model._meta.get_field(name).verbose_name
    except FieldDoesNotExist:  # a computed fact (a sum, say) has no field
        return name
