"""The one choke point: every queryset that reaches a user goes through ``restrict()``."""

from django.contrib.contenttypes.models import ContentType
from django.db import models
from guardian.models import GroupObjectPermission, UserObjectPermission
from guardian.utils import get_group_obj_perms_model, get_user_obj_perms_model

from .scoping import NOTHING


def permission_name(model, action):
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


def _granted_kinds(user):
    """(content type id, codename) of every permission the user, or a group of theirs, holds on
    some single row through django-guardian's generic tables: one query a request for the user,
    so a page that asks about several models (a project and its records) asks guardian once."""
    if "_granted_kinds" not in user.__dict__:
        direct = UserObjectPermission.objects.filter(user=user).values_list(
            "permission__content_type_id", "permission__codename"
        )
        via_groups = GroupObjectPermission.objects.filter(group__user=user).values_list(
            "permission__content_type_id", "permission__codename"
        )
        user.__dict__["_granted_kinds"] = set(direct.union(via_groups))
    return user.__dict__["_granted_kinds"]


def granted_pks(user, model, action):
    """Primary keys of the rows granted to ``user`` (or a group of theirs) one by one through
    django-guardian. Read from guardian's tables and cached on the user for the request: almost
    always empty, and an empty list must not cost the main query an ``OR pk IN (...)``."""
    cache = user.__dict__.setdefault("_granted_pks", {})
    key = (model, action)
    generic = get_user_obj_perms_model(model) is UserObjectPermission
    if generic and key not in cache:
        ctype = ContentType.objects.get_for_model(model)
        if (ctype.pk, f"{action}_{model._meta.model_name}") not in _granted_kinds(user):
            cache[key] = []
    if key not in cache:
        codename = f"{action}_{model._meta.model_name}"
        ctype = ContentType.objects.get_for_model(model)
        direct = get_user_obj_perms_model(model).objects.filter(
            user=user, permission__content_type=ctype, permission__codename=codename
        )
        via_groups = get_group_obj_perms_model(model).objects.filter(
            group__user=user, permission__content_type=ctype, permission__codename=codename
        )
        to_pk = model._meta.pk.to_python
        cache[key] = sorted(
            {
                to_pk(pk)
                for pk in direct.values_list("object_pk", flat=True).union(
                    via_groups.values_list("object_pk", flat=True)
                )
            }
        )
    return cache[key]


class RestrictedQuerySet(models.QuerySet):
    def restrict(self, user, action="view"):
        """Rows ``user`` may ``action``: the role's model permission within the user's scope,
        plus rows granted to the user (or a group of theirs) one by one through django-guardian."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        model = self.model
        in_scope = model.scope.q(user, action) if user.has_perm(permission_name(model, action)) else NOTHING
        granted = granted_pks(user, model, action)
        if granted:
            return self.filter(in_scope | models.Q(pk__in=granted))
        if in_scope is NOTHING:
            return self.none()
        return self.filter(in_scope)


RestrictedManager = models.Manager.from_queryset(RestrictedQuerySet)
