"""The one choke point: every queryset that reaches a user goes through ``restrict()``."""

from django.db import models
from guardian.shortcuts import get_objects_for_user

from .scoping import NOTHING


def permission_name(model, action):
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


class RestrictedQuerySet(models.QuerySet):
    def restrict(self, user, action="view"):
        """Rows ``user`` may ``action``: the role's model permission within the user's scope,
        plus rows granted to the user (or a group of theirs) one by one through django-guardian."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        model = self.model
        perm = permission_name(model, action)
        in_scope = model.scope.q(user) if user.has_perm(perm) else NOTHING
        granted = get_objects_for_user(
            user, perm, klass=model, with_superuser=False, accept_global_perms=False
        )
        return self.filter(in_scope | models.Q(pk__in=granted.values("pk")))


RestrictedManager = models.Manager.from_queryset(RestrictedQuerySet)
