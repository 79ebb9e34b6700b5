"""Every write to projects goes through these functions: creation from compounds, edits, and the
lifecycle transitions of projects.lifecycle."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import audit_record, changes_between, model_snapshot
from core.models import AuditEntry
from org.models import Region
from projects.models import Compound, Project, ProjectCompound
from projects.registry.services import city_of

from .schedule import schedule_refresh
from .transitions import blockers, transition_for

PROJECT_EDITABLE = (
    "name", "code", "plan_year", "pool", "implementing_entity", "designer", "contractor", "supervisor",
    "planned_start", "planned_completion",
)  # fmt: skip
# A project's compounds move through the registry's pools with it.
COMPOUND_POOL_AFTER = {
    "approve": Compound.Pool.IMPLEMENTATION,
    "accept": Compound.Pool.RENOVATED,
}
PROJECT_POOL_AFTER = {"declare": Project.Pool.PLANNING, "approve": Project.Pool.IMPLEMENTATION}


def common_path(paths):
    """The path of the deepest region holding every one of ``paths`` (None when they share none)."""
    common = []
    for codes in zip(*(path.strip("/").split("/") for path in paths), strict=False):
        if len(set(codes)) != 1:
            break
        common.append(codes[0])
    return "/".join(common) + "/" if common else None


def project_area(region):
    """Projects are run by street offices and districts: a community is too fine an area."""
    return region.parent if region.level == Region.Level.COMMUNITY else region


def smallest_common_region(compounds):
    """The deepest region holding every compound, but no deeper than a street: their street, the
    district of a bundle across streets, ... None when they share no region at all."""
    path = common_path([c.community.path for c in compounds])
    if path is None:
        return None
    return project_area(Region.objects.select_related("parent").get(path=path))


def _place(actor, project, compounds):
    compounds = list(compounds)
    if not compounds:
        raise ValidationError({"compounds": _("Choose at least one compound.")})
    visible = set(
        Compound.objects.restrict(actor).filter(pk__in=[c.pk for c in compounds]).values_list("pk", flat=True)
    )
    if len(visible) != len(compounds):
        raise ValidationError({"compounds": _("Some compounds are outside your area.")})
    compounds = list(Compound.objects.filter(pk__in=visible).select_related("community"))
    region = smallest_common_region(compounds)
    if region is None or region.level < Region.Level.CITY:
        raise ValidationError({"compounds": _("The compounds of one project must lie in one city.")})
    if not Region.objects.restrict(actor).filter(pk=region.pk).exists():
        # A clerk of two streets bundling across them would make a district project they cannot see.
        raise ValidationError(
            {
                "compounds": _("Together these compounds make a project of %(region)s, outside your area.")
                % {"region": region.name}
            }
        )
    project.region = region
    project.city = city_of(region) if region.level > Region.Level.CITY else region
    return compounds


def _check_code(project):
    taken = Project.objects.filter(city=project.city, code=project.code).exclude(pk=project.pk)
    if project.code and taken.exists():
        raise ValidationError({"code": _("Another project of the city already has this code.")})


@transaction.atomic
def project_create(*, actor, compounds, **fields):
    project = Project(**{k: v for k, v in fields.items() if k in PROJECT_EDITABLE})
    compounds = _place(actor, project, compounds)
    _check_code(project)
    schedule_refresh(project)
    project.full_clean()
    project.save()
    ProjectCompound.objects.bulk_create([ProjectCompound(project=project, compound=c) for c in compounds])
    audit_record(
        actor=actor, action=AuditEntry.Action.CREATE, obj=project,
        changes={**model_snapshot(project), "compounds": [c.name for c in compounds]},
    )  # fmt: skip
    return project


@transaction.atomic
def project_update(*, actor, instance, compounds=None, **fields):
    project = Project.objects.select_for_update(of=("self",)).get(pk=instance.pk)
    before = {
        **model_snapshot(project),
        "compounds": sorted(project.compounds.values_list("name", flat=True)),
    }
    for name, value in fields.items():
        if name in PROJECT_EDITABLE:
            setattr(project, name, value)
    if compounds is not None:
        compounds = _place(actor, project, compounds)
        ProjectCompound.objects.filter(project=project).exclude(compound__in=compounds).delete()
        ProjectCompound.objects.bulk_create(
            [ProjectCompound(project=project, compound=c) for c in compounds], ignore_conflicts=True
        )
    _check_code(project)
    schedule_refresh(project)  # the plan year dates the calendar
    project.full_clean()
    project.save()
    after = {**model_snapshot(project), "compounds": sorted(project.compounds.values_list("name", flat=True))}
    audit_record(
        actor=actor, action=AuditEntry.Action.UPDATE, obj=project, changes=changes_between(before, after)
    )
    return project


@transaction.atomic
def project_delete(*, actor, instance):
    # Read the stage again under a lock: someone may have declared the project meanwhile.
    project = Project.objects.select_for_update(of=("self",)).get(pk=instance.pk)
    if project.stage not in (Project.Stage.SURVEY, Project.Stage.DESIGN):
        raise ValidationError(_("Only a project still in survey or design can be deleted."))
    audit_record(actor=actor, action=AuditEntry.Action.DELETE, obj=project, changes=model_snapshot(project))
    project.delete()


@transaction.atomic
def project_transition(*, actor, project, action, **inputs):
    """Move ``project`` one stage on by ``action`` (a row of projects.lifecycle.TRANSITIONS).

    The row is locked and its stage read again, so two people acting at once cannot skip or repeat
    a stage: the second finds the project already moved and is refused.
    """
    transition = transition_for(action)
    if transition is None:
        raise ValidationError(_("Unknown step."))
    try:
        project = Project.objects.restrict(actor).select_for_update(of=("self",)).get(pk=project.pk)
    except Project.DoesNotExist:
        raise PermissionDenied from None
    reasons = blockers(transition, project, actor, inputs)
    if reasons:
        raise ValidationError(reasons)
    source = project.get_stage_display()
    recorded = {}
    for name in transition.inputs:
        value = inputs.get(name)
        if value is None:
            value = False if name == "permit_exempt" else ""
            if Project._meta.get_field(name).null:
                value = None
        setattr(project, name, value)
        recorded[name] = str(value) if value not in (None, "") else None
    project.stage = transition.target
    if action in PROJECT_POOL_AFTER:
        project.pool = PROJECT_POOL_AFTER[action]
    schedule_refresh(project)
    project.full_clean()
    project.save()
    if action in COMPOUND_POOL_AFTER:
        Compound.objects.filter(project_links__project=project).update(pool=COMPOUND_POOL_AFTER[action])
    audit_record(
        actor=actor, action=AuditEntry.Action.TRANSITION, obj=project, changes=recorded,
        summary=_("%(step)s: %(source)s → %(target)s")
        % {"step": transition.label, "source": source, "target": project.get_stage_display()},
    )  # fmt: skip
    return project


def project_locked(actor, project, permission):
    """The project again, locked, if it is in ``actor``'s scope and their role holds ``permission``
    (on the project's child model); PermissionDenied otherwise."""
    if not actor.has_perm(permission):
        raise PermissionDenied
    try:
        return Project.objects.restrict(actor).select_for_update(of=("self",)).get(pk=project.pk)
    except Project.DoesNotExist:
        raise PermissionDenied from None
