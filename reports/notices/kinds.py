"""The registry of notice kinds. A kind says what it is about (its subject model, and which
subjects are eligible), who may issue it, its title and addressee, and the content it prints: a
JSON-friendly dict frozen into the notice when its number is given, rendered by its template.

    register_notice_kind(NoticeKind(
        code="bulletin", label=_("bulletin"), subject_model=MonthlyReport,
        template="reports/notices/pdf/kinds/bulletin.html", context=bulletin_context, title=bulletin_title,
        region=lambda report: report.city,
    ))

``context(subject, notice)`` gets the unsaved notice (its issuer, year, number, date and the
issuing user's ``contact`` and ``note`` are set) and returns the dict; the template reads it as
``content`` and the notice itself as ``notice``.
"""

from collections.abc import Callable
from dataclasses import dataclass

from org.roles import CITY_STAFF


def _all(queryset):
    return queryset


def _no_addressee(subject):
    return ""


@dataclass(frozen=True)
class NoticeKind:
    code: str
    label: object  # lazy, shown to users
    subject_model: type
    template: str  # the body of the document, included in reports/notices/pdf/document.html
    context: Callable  # (subject, notice) -> dict, frozen into notice.context
    title: Callable  # subject -> str
    region: Callable  # subject -> org Region whose scope the notice falls in
    addressee: Callable = _no_addressee  # subject -> str (主送机关)
    eligible: Callable = _all  # queryset of subject_model -> the subjects this kind may be issued for
    # Roles that may issue it (with reports.add_notice, under an issuer of their area).
    roles: tuple = (CITY_STAFF,)
    # Organisation kinds the form's proposed issuer is looked for among, in order (淄财 for payments).
    issuer_kinds: tuple = ()
    batch: bool = False  # offered on the batch page (one notice per subject)
    subject_label: Callable = str  # subject -> how the register names it

    def may_issue(self, user):
        if not user.is_authenticated:
            return False
        if user.is_superuser:
            return True
        return user.has_perm("reports.add_notice") and bool(set(self.roles) & user.role_codes)


_KINDS = {}


def register_notice_kind(kind):
    if kind.code in _KINDS and _KINDS[kind.code] != kind:
        raise ValueError(f"Notice kind {kind.code!r} is registered twice")
    _KINDS[kind.code] = kind
    return kind


def notice_kind(code):
    """The kind registered as ``code``; LookupError if none."""
    try:
        return _KINDS[code]
    except KeyError:
        raise LookupError(code) from None


def notice_kinds():
    return list(_KINDS.values())


def kind_label(code):
    kind = _KINDS.get(code)
    return str(kind.label) if kind else code


def kinds_for_subject(model):
    return [kind for kind in _KINDS.values() if kind.subject_model is model]


__all__ = [
    "NoticeKind",
    "kind_label",
    "kinds_for_subject",
    "notice_kind",
    "notice_kinds",
    "register_notice_kind",
]
