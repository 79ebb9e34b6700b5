"""Writes to what a project does and how it goes: the item grid, progress reports, inspections and
the closing of their findings. Each is recorded in the project's own history."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import audit_record, changes_between, model_snapshot
from core.models import AuditEntry
from core.uploads import upload_check
from projects.archive.services import attachment_store
from projects.lifecycle.services import project_locked
from projects.models import Attachment, Finding, Inspection, ProgressReport, ProjectItem

from . import rules

PROJECT_ITEM_FIELDS = (
    "item",
    "quantity",
    "estimated_cost",
    "bid_price",
    "actual_cost",
    "progress",
    "payer",
    "note",
)
ITEM_DEFAULTS = {"progress": 0, "payer": "", "note": ""}  # for a row that leaves them out


def _row_error(number, message):
    return _("Row %(row)s: %(message)s") % {"row": number, "message": message}


@transaction.atomic
def project_items_save(*, actor, project, rows):
    """Save the item grid at once: ``rows`` are dicts of PROJECT_ITEM_FIELDS, with ``id`` for an existing
    row and ``delete`` to remove one. Any refused row refuses the whole grid, naming the row."""
    project = project_locked(actor, project, "projects.change_projectitem", whole=True)
    rules.check_items_open(project)
    existing = {row.pk: row for row in ProjectItem.objects.filter(project=project).select_related("item")}
    holders = {row.item_id: row.pk for row in existing.values()}  # as stored, before this save
    errors, seen, saved, removed, changes = [], {}, [], [], {}
    # Rows the caller did not send stay as they are, and so do their items.
    mentioned = {data.get("id") for data in rows if data.get("id")}
    untouched = {row.item_id for pk, row in existing.items() if pk not in mentioned}
    for number, data in enumerate(rows, start=1):
        row = existing.get(data.get("id")) if data.get("id") else None
        if data.get("id") and row is None:
            errors.append(
                _row_error(number, _("this item is no longer part of the project; reload the page."))
            )
            continue
        if data.get("delete"):
            if row is not None:
                removed.append(row)
            continue
        item = data["item"]
        if item.pk in seen:
            errors.append(
                _row_error(
                    number,
                    _("“%(item)s” is already in row %(other)s.") % {"item": item, "other": seen[item.pk]},
                )
            )
            continue
        seen[item.pk] = number
        if item.pk in untouched:
            errors.append(_row_error(number, _("“%(item)s” is already in the project.") % {"item": item}))
            continue
        try:
            rules.check_offered(item, adds_it=row is None or row.item_id != item.pk)
        except ValidationError as error:
            errors.extend(_row_error(number, message) for message in error.messages)
            continue
        before = model_snapshot(row) if row is not None else None
        row = row or ProjectItem(project=project)
        for name in PROJECT_ITEM_FIELDS:
            setattr(row, name, data.get(name, ITEM_DEFAULTS.get(name)))
        row.note = row.note or ""
        row.progress = row.progress if row.progress is not None else 0
        row.payer = rules.payer_or_default(row.payer, item)
        try:
            row.full_clean(exclude=["project"], validate_unique=False)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                label = ProjectItem._meta.get_field(field).verbose_name if field != "__all__" else ""
                errors.extend(_row_error(number, f"{label}{'：' if label else ''}{m}") for m in messages)
            continue
        after = model_snapshot(row)
        if before is None:
            changes[str(item)] = {"added": after["quantity"]}
        elif diff := changes_between(before, after):
            changes[str(item)] = diff
        saved.append(row)
    if errors:
        raise ValidationError(errors)
    for row in removed:
        changes[str(row.item)] = {"removed": str(row.quantity)}
    # Removals first: a row may be removed and its item added again in one save.
    ProjectItem.objects.filter(pk__in=[row.pk for row in removed]).delete()
    _save_in_order(saved, holders, removed)
    if changes:
        audit_record(
            actor=actor, action=AuditEntry.Action.UPDATE, obj=project,
            summary=_("Items saved: %(count)s changed") % {"count": len(changes)}, changes=changes,
        )  # fmt: skip
    return saved


def _save_in_order(rows, holders, removed):
    """Save ``rows`` so that none takes an item another row still holds: a row may take the item
    another moves away from in the same save. Two rows swapping their items are refused."""
    gone = {row.pk for row in removed}
    holders = {item: pk for item, pk in holders.items() if pk not in gone}
    pending = list(rows)
    while pending:
        ready = [row for row in pending if holders.get(row.item_id, row.pk) == row.pk]
        if not ready:
            raise ValidationError(
                _("Rows cannot swap their items in one save: change one, save, then change the other.")
            )
        for row in ready:
            holders = {item: pk for item, pk in holders.items() if pk != row.pk}
            row.save()
            holders[row.item_id] = row.pk
            pending.remove(row)


@transaction.atomic
def progress_report_create(*, actor, project, reported_on, percent, investment_to_date, note="", photos=()):
    project = project_locked(actor, project, "projects.add_progressreport")
    rules.check_takes_progress(project)
    if project.started_on and reported_on < project.started_on:
        raise ValidationError({"reported_on": _("The date is before construction started.")})
    for photo in photos:
        upload_check(photo, photo=True)
    report = ProgressReport(
        project=project, reported_on=reported_on, percent=percent, investment_to_date=investment_to_date,
        note=note, reported_by=actor,
    )  # fmt: skip
    report.full_clean()
    report.save()
    for photo in photos:
        attachment_store(
            actor=actor, project=project, upload=photo, kind=Attachment.Kind.PHOTO,
            description=_("Progress on %(date)s") % {"date": reported_on.isoformat()}, progress_report=report,
        )  # fmt: skip
    audit_record(
        actor=actor, action=AuditEntry.Action.UPDATE, obj=project,
        summary=_("Progress reported: %(percent)s%% on %(date)s") % {"percent": percent, "date": reported_on.isoformat()},
        changes={**model_snapshot(report, ("reported_on", "percent", "investment_to_date", "note")),
                 "photos": len(photos)},
    )  # fmt: skip
    return report


@transaction.atomic
def inspection_create(*, actor, project, inspected_on, inspector, summary="", findings=()):
    """Record an inspection and its findings (dicts of description, severity, requested_item, deadline)."""
    project = project_locked(actor, project, "projects.add_inspection")
    inspection = Inspection(project=project, inspected_on=inspected_on, inspector=inspector, summary=summary)
    inspection.full_clean()
    inspection.save()
    errors, rows = [], []
    for number, data in enumerate(findings, start=1):
        finding = Finding(inspection=inspection, **data)
        if finding.deadline and finding.deadline < inspected_on:
            errors.append(_("Finding %(row)s: the deadline is before the inspection.") % {"row": number})
            continue
        try:
            finding.full_clean()
        except ValidationError as error:
            errors.extend(
                _("Finding %(row)s: %(message)s") % {"row": number, "message": message}
                for message in error.messages
            )
            continue
        rows.append(finding)
    if errors:
        raise ValidationError(errors)
    Finding.objects.bulk_create(rows)
    audit_record(
        actor=actor, action=AuditEntry.Action.UPDATE, obj=project,
        summary=_("Inspection on %(date)s by %(inspector)s: %(count)s findings")
        % {"date": inspected_on.isoformat(), "inspector": inspector, "count": len(rows)},
        changes={"findings": [f"{f.description}（{f.deadline.isoformat()}）" for f in rows]},
    )  # fmt: skip
    return inspection


@transaction.atomic
def finding_close(*, actor, finding, closed_on, closure_note):
    try:
        finding = (
            Finding.objects.restrict(actor, "change")
            .select_for_update(of=("self",))
            .select_related("inspection__project")
            .get(pk=finding.pk)
        )
    except Finding.DoesNotExist:
        raise PermissionDenied from None
    if finding.closed_on is not None:
        raise ValidationError(
            _("The finding was already closed on %(date)s.") % {"date": finding.closed_on.isoformat()}
        )
    if closed_on < finding.inspection.inspected_on:
        raise ValidationError({"closed_on": _("The date is before the inspection.")})
    if not closure_note.strip():
        raise ValidationError({"closure_note": _("Say how the finding was put right.")})
    finding.closed_on, finding.closure_note = closed_on, closure_note.strip()
    finding.full_clean()
    finding.save()
    audit_record(
        actor=actor, action=AuditEntry.Action.UPDATE, obj=finding.inspection.project,
        summary=_("Finding closed: %(finding)s") % {"finding": finding.description},
        changes={"finding": finding.description, "closed_on": closed_on.isoformat(), "closure_note": closure_note},
    )  # fmt: skip
    return finding
