"""The reads of notices: the issuers a user may sign for, the register, the subjects of a kind."""

from reports.models import Notice, NoticeIssuer

from .kinds import notice_kinds


def issuers_for(user):
    """Active issuers whose organisation covers the user's own region (not one below it): city
    staff sign for the city's bureaus, district staff for their district's bureau (if it has an
    issuer); nobody signs in the name of a body below them."""
    issuers = NoticeIssuer.objects.filter(active=True).select_related("organisation__region")
    if not user.is_authenticated:
        return issuers.none()
    paths = user.get_scope_paths()
    if paths is None:
        return issuers
    if not paths:
        return issuers.none()
    return issuers.filter(organisation__region__path__in=paths)


def default_issuer(kind, user):
    """The issuer a form proposes for ``kind``: the first of the user's whose organisation kind the
    kind prefers (the finance bureau for payments), else the highest one."""
    issuers = list(issuers_for(user).order_by("organisation__region__path", "pk"))
    for organisation_kind in kind.issuer_kinds:
        for issuer in issuers:
            if issuer.organisation.kind == organisation_kind:
                return issuer
    return issuers[0] if issuers else None


def notices_for(user):
    """The register as ``user`` reads it: every column of the list in one query."""
    return Notice.objects.restrict(user).select_related("issuer", "subject_type", "job")


def notices_of_subject(user, subject):
    from django.contrib.contenttypes.models import ContentType

    return notices_for(user).filter(
        subject_type=ContentType.objects.get_for_model(type(subject)), subject_id=subject.pk
    )


def subjects_for(kind, user):
    """The subjects of ``kind`` the user may issue it for (read scope, then the kind's rule)."""
    return kind.eligible(kind.subject_model.objects.restrict(user, "view"))


def kinds_issuable_by(user):
    return [kind for kind in notice_kinds() if kind.may_issue(user)]


def register_years(user):
    return list(notices_for(user).order_by("-year").values_list("year", flat=True).distinct())


def issued_numbers(kind, subjects):
    """{subject pk: number} of the subjects that already have a notice of ``kind`` in force."""
    from django.contrib.contenttypes.models import ContentType

    rows = Notice.objects.filter(
        kind=kind.code, status=Notice.Status.ISSUED,
        subject_type=ContentType.objects.get_for_model(kind.subject_model), subject_id__in=subjects.values("pk"),
    ).order_by("issued_on", "pk")  # fmt: skip
    return dict(rows.values_list("subject_id", "number"))
