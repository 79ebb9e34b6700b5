"""Who reads residents' personal data in full (docs/privacy.md).

A household head's name and phone, and a complainant's, are shown masked (张*, 138****1234) in every
page, export and PDF to a user without ``residents.view_personal_data``. Every place that shows one
asks here, so no template decides it: ``shown_name(user, name)`` / ``shown_phone(user, phone)``, or
in templates ``{% load residents %}{{ household.head_name|name_for:user }}``. A household revealed
with a reason (residents.households) is shown in full on its own page for that request only."""

from .models.households import mask_name, mask_phone

PERSONAL_PERMISSION = "residents.view_personal_data"
UNMASK_PERMISSION = "residents.unmask_personal_data"


def sees_personal_data(user):
    """Whether ``user`` reads names and phone numbers in full (a street clerk, who surveys them)."""
    return bool(user and user.is_authenticated and user.has_perm(PERSONAL_PERMISSION))


def may_unmask(user):
    """Whether ``user`` may reveal one household's name and phone, giving a reason."""
    return bool(user and user.is_authenticated and user.has_perm(UNMASK_PERMISSION))


def shown_name(user, name, *, full=None):
    """``name`` as ``user`` may read it; ``full`` (computed once for a page) skips the permission check."""
    full = sees_personal_data(user) if full is None else full
    return name if full else mask_name(name)


def shown_phone(user, phone, *, full=None):
    full = sees_personal_data(user) if full is None else full
    return phone if full else mask_phone(phone)
