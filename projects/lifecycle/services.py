"""Every write to projects goes through these functions: creation from compounds, edits, deletion,
and the lifecycle steps of projects.lifecycle.transitions."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import audit_record, bulk_audit, changes_between, model_snapshot
from core.models import AuditEntry
from org.models import Region
from projects.models import Compound, Project, ProjectCompound

from . import rules
from .schedule import schedule_refresh
from .transitions import ROLE_CANNOT, TRANSITIONS, blockers, effects_for, transition_for

PROJECT_EDITABLE = (
    "name", "code", "plan_year", "pool", "implementing_entity", "designer", "contractor", "supervisor",
    "planned_start", "planned_completion",
)  # fmt: skip


def smallest_common_region(compounds):
    """The deepest region holding every compound, but no deeper than a street: their street, the
    district of a bundle across streets, ... None when they share no region at all."""
    path = rules.common_path([c.community.path for c in compounds])
    if path is None:
        return None
    return rules.project_area(Region.objects.select_related("parent").get(path=path))


def _place(actor, project, compounds):
    """Check the compounds a project bundles and set its area and city from them."""
    compounds = list(compounds)
    if not compounds:
        raise ValidationError({"compounds": _("Choose at least one compound.")})
    visible = list(
        Compound.objects.restrict(actor).filter(pk__in=[c.pk for c in compounds]).select_related("community")
    )
    if len(visible) != len(compounds):
        raise ValidationError({"compounds": _("Some compounds are outside your area.")})
    paths = tuple(c.community.path for c in visible)
    project.region, project.city = rules.ProjectAreas(actor, [paths]).area(paths)
    return visible


def _check_code(project):
    key = (project.city_id, project.code)
    rules.check_code_free(project.code, holder=rules.code_holders([key]).get(key), own=project.pk)


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


def project_locked(actor, project, permission="projects.change_project", *, whole=False):
    """The project again, locked, if it is in ``actor``'s scope and their role holds ``permission``
    (on the project or one of its child models); PermissionDenied otherwise.

    ``whole``: the write changes the project itself (its fields, items or stage), which only whoever
    works in the project's own area may do. Records added to it (progress, files, prerequisites) may
    come from anyone it reaches: the clerk of one street of a bundle spanning several streets.
    """
    if not actor.has_perm(permission):
        raise PermissionDenied
    projects = Project.objects.restrict(actor, "change" if whole else "view")
    try:
        return projects.select_for_update(of=("self",)).get(pk=project.pk)
    except Project.DoesNotExist:
        raise PermissionDenied from None


@transaction.atomic
def project_update(*, actor, instance, compounds=None, **fields):
    project = project_locked(actor, instance, whole=True)
    rules.check_editable(project)
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
    project = project_locked(actor, instance, "projects.delete_project", whole=True)
    rules.check_deletable(project)
    audit_record(actor=actor, action=AuditEntry.Action.DELETE, obj=project, changes=model_snapshot(project))
    project.delete()


def _empty_value(field):
    """What a step records for an input the user left out: NULL, no, or an empty text."""
    if field.null:
        return None
    return False if field.get_internal_type() == "BooleanField" else ""


@transaction.atomic
def project_transition(*, actor, project, action, outside_note="", **inputs):
    """Move ``project`` one stage on by ``action`` (a row of lifecycle.transitions.TRANSITIONS).

    The row is locked and its stage read again, so two people acting at once cannot skip or repeat
    a stage: the second finds the project already moved and is refused. A role without the step's
    permission is refused outright (PermissionDenied), as the page refuses it with a 403.
    ``outside_note``: the step was obtained outside the portal (lifecycle.flows.record_by_hand), and
    the history says where.
    """
    transition = transition_for(action)
    if transition is None:
        raise ValidationError(_("Unknown step."))
    if not actor.has_perm(transition.permission):
        raise PermissionDenied
    try:
        project = (
            Project.objects.restrict(actor, "change")
            .select_for_update(of=("self",))
            .select_related("region")
            .get(pk=project.pk)
        )
    except Project.DoesNotExist:
        raise PermissionDenied from None
    summary = _("%(step)s: %(source)s → %(target)s")
    if outside_note:
        summary = _("%(step)s (recorded by hand: %(note)s): %(source)s → %(target)s")
    return _carry_out(actor, project, transition, inputs, summary, {"note": outside_note}, check_role=True)


@transaction.atomic
def project_transition_by_flow(*, actor, project, action, request, **inputs):
    """Take ``action`` because the approval flow ``request`` approved it: ``actor`` decided its last
    stage, and the flow, not the role, authorised them; the step's guards still apply (a refusal
    refuses the decision)."""
    transition = transition_for(action)
    project = Project.objects.select_for_update(of=("self",)).select_related("region").get(pk=project.pk)
    summary = _("%(step)s (approval flow “%(flow)s”): %(source)s → %(target)s")
    return _carry_out(
        actor, project, transition, inputs, summary, {"flow": request.flow.name}, check_role=False
    )


def _carry_out(actor, project, transition, inputs, summary, summary_args, *, check_role):
    reasons = blockers(transition, project, actor, inputs)
    if not check_role:
        reasons = [reason for reason in reasons if reason != str(ROLE_CANNOT)]
    if reasons:
        raise ValidationError(reasons)
    source = project.get_stage_display()
    recorded = {}
    for name in transition.inputs:
        value = inputs.get(name)
        if value is None:
            value = _empty_value(Project._meta.get_field(name))
        setattr(project, name, value)
        recorded[name] = str(value) if value not in (None, "") else None
    project.stage = transition.target
    if transition.project_pool:
        project.pool = transition.project_pool
    schedule_refresh(project)
    project.full_clean()
    project.save()
    if transition.compound_pool:
        _compounds_enter_pool(actor, project, transition)
    for effect in effects_for(transition):
        effect(actor=actor, project=project, transition=transition)
    audit_record(
        actor=actor, action=AuditEntry.Action.TRANSITION, obj=project, changes=recorded,
        summary=summary % {"step": transition.label, "source": source, "target": project.get_stage_display(),
                           **summary_args},
    )  # fmt: skip
    return project


@transaction.atomic
def project_send_back(*, actor, project, stage, request, reason, withdrawn=False):
    """The approval flow ``request`` rejected the project: it goes back to ``stage`` (its plan
    declaration, its construction), the facts of the steps from there on cleared, the reason in its
    history. The flow authorised ``actor``."""
    project = Project.objects.select_for_update(of=("self",)).select_related("region").get(pk=project.pk)
    source = project.get_stage_display()
    stages = list(Project.Stage.values)
    cleared = {}
    for transition in TRANSITIONS:
        if stages.index(transition.source) >= stages.index(stage):
            for name in transition.inputs:
                value = _empty_value(Project._meta.get_field(name))
                if getattr(project, name) != value:
                    cleared[name] = None
                setattr(project, name, value)
    project.stage = stage
    if stage == Project.Stage.DECLARATION:
        project.pool = Project.Pool.RESERVE  # declaring put it in the planning pool
    schedule_refresh(project)
    project.full_clean()
    project.save()
    audit_record(
        actor=actor, action=AuditEntry.Action.TRANSITION, obj=project, changes=cleared,
        summary=(
            _("Withdrawn from “%(flow)s” (%(reason)s): %(source)s → %(target)s")
            if withdrawn
            else _("Not approved in “%(flow)s” (%(reason)s): %(source)s → %(target)s")
        )
        % {"flow": request.flow.name, "reason": reason, "source": source, "target": project.get_stage_display()},
    )  # fmt: skip
    return project


def _compounds_enter_pool(actor, project, transition):
    """A project's compounds move through the registry's pools with it; each compound's history
    says so."""
    pool = transition.compound_pool
    moving = list(
        Compound.objects.filter(project_links__project=project)
        .exclude(pool=pool)
        .select_for_update(of=("self",))
        .select_related("community")
    )
    if not moving:
        return
    Compound.objects.filter(pk__in=[c.pk for c in moving]).update(pool=pool)
    bulk_audit(
        actor=actor,
        entries=[(c, AuditEntry.Action.UPDATE, {"pool": [c.pool, pool]}) for c in moving],
        summary=_("%(project)s: %(step)s") % {"project": project.name, "step": transition.label},
        region_paths=[c.community.path for c in moving],
    )
