"""Every write to regions and organisations goes through these functions, and the grants of
regions to users (accounts themselves are Django's, edited in the administration site)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from core.audit import audit_record, changes_between, model_snapshot
from core.models import AuditEntry
from core.services import instance_create, instance_update

from .cities import city_created
from .models import Organisation, Region


@transaction.atomic
def region_create(*, actor, code, name, level, parent=None):
    region = Region(code=code, name=name, level=level, parent=parent)
    region.path = region.build_path()
    region.full_clean()
    region.save()
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, obj=region, changes=model_snapshot(region))
    if region.level == Region.Level.CITY:
        city_created(city=region, actor=actor)
    return region


@transaction.atomic
def region_update(*, actor, instance, code, name, level, parent=None):
    region = Region.objects.select_for_update().get(pk=instance.pk)
    before = model_snapshot(region)
    old_path, was_city = region.path, region.level == Region.Level.CITY
    region.code, region.name, region.level, region.parent = code, name, level, parent
    if parent is not None and parent.path.startswith(old_path):
        raise ValidationError({"parent": _("A region cannot be moved under itself.")})
    region.path = region.build_path()
    region.full_clean()
    region.save()
    if region.path != old_path:
        _move_subtree(old_path, region.path)
    audit_record(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        obj=region,
        changes=changes_between(before, model_snapshot(region)),
    )
    if region.level == Region.Level.CITY and not was_city:
        city_created(city=region, actor=actor)
    return region


def _move_subtree(old_path, new_path):
    descendants = Region.objects.select_for_update().filter(path__startswith=old_path).exclude(path=new_path)
    for child in descendants:
        child.path = new_path + child.path[len(old_path) :]
        child.save(update_fields=["path", "updated_at"])


@transaction.atomic
def region_delete(*, actor, instance):
    region = Region.objects.select_for_update().get(pk=instance.pk)
    if region.children.exists():
        raise ValidationError(_("It still contains %(count)d regions.") % {"count": region.children.count()})
    if region.organisations.exists():
        raise ValidationError(_("Organisations still cover it."))
    audit_record(actor=actor, action=AuditEntry.Action.DELETE, obj=region, changes=model_snapshot(region))
    region.delete()


@transaction.atomic
def user_grant_region(*, actor, user, region):
    """Let ``user`` work in ``region`` besides its organisation's region."""
    assign_perm("org.work_in_region", user, region)
    audit_record(
        actor=actor,
        action=AuditEntry.Action.GRANT,
        obj=region,
        summary=_("%(user)s may work in %(region)s") % {"user": user, "region": region},
    )


@transaction.atomic
def user_revoke_region(*, actor, user, region):
    remove_perm("org.work_in_region", user, region)
    audit_record(
        actor=actor,
        action=AuditEntry.Action.GRANT,
        obj=region,
        summary=_("%(user)s may no longer work in %(region)s") % {"user": user, "region": region},
    )


ORGANISATION_FIELDS = ("name", "short_name", "kind", "region")


def organisation_create(*, actor, **fields):
    return instance_create(actor=actor, model=Organisation, fields=fields, editable=ORGANISATION_FIELDS)


def organisation_update(*, actor, instance, **fields):
    return instance_update(actor=actor, instance=instance, fields=fields, editable=ORGANISATION_FIELDS)


@transaction.atomic
def organisation_delete(*, actor, instance):
    organisation = Organisation.objects.select_for_update().get(pk=instance.pk)
    if organisation.users.exists():
        raise ValidationError(
            _("%(count)d users still belong to it.") % {"count": organisation.users.count()}
        )
    audit_record(
        actor=actor, action=AuditEntry.Action.DELETE, obj=organisation, changes=model_snapshot(organisation)
    )
    organisation.delete()
