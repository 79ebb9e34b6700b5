"""Yes/no questions about what a user may do with a model, before any row is looked at."""

from .querysets import granted_pks, permission_name


def can(user, action, model):
    """True when the role grants ``action`` on ``model`` or some row of it was granted one by one.

    False means 403: the user has no business with this kind of object at all.
    """
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser or user.has_perm(permission_name(model, action)):
        return True
    return bool(granted_pks(user, model, action))
