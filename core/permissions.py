"""Yes/no questions about what a user may do with a model, before any row is looked at."""

from django.contrib.contenttypes.models import ContentType
from guardian.utils import get_group_obj_perms_model, get_user_obj_perms_model

from .querysets import permission_name


def can(user, action, model):
    """True when the role grants ``action`` on ``model`` or some row of it was granted one by one.

    False means 403: the user has no business with this kind of object at all.
    """
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser or user.has_perm(permission_name(model, action)):
        return True
    codename = f"{action}_{model._meta.model_name}"
    ctype = ContentType.objects.get_for_model(model)
    direct = get_user_obj_perms_model(model).objects.filter(
        user=user, permission__codename=codename, permission__content_type=ctype
    )
    via_group = get_group_obj_perms_model(model).objects.filter(
        group__in=user.groups.all(), permission__codename=codename, permission__content_type=ctype
    )
    return direct.exists() or via_group.exists()
