"""Administration of core's models, and a mixin that audits every change made in the admin."""

from celery.schedules import crontab
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_celery_beat.admin import CrontabScheduleAdmin, PeriodicTaskAdmin, PeriodicTaskForm
from django_celery_beat.models import CrontabSchedule, PeriodicTask
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import SelectableFieldsExportForm

from .audit import audit_record, changes_between, model_snapshot
from .http import content_disposition
from .models import AuditEntry, Job

admin.site.site_header = _("Old compound renovation portal — administration")
admin.site.site_title = _("Renovation portal administration")
admin.site.index_title = _("Administration")


class AuditedAdminMixin:
    """The admin writes the same audit entries as the portal's services."""

    def save_model(self, request, obj, form, change):
        before = model_snapshot(type(obj).objects.get(pk=obj.pk)) if change and obj.pk else {}
        super().save_model(request, obj, form, change)
        after = model_snapshot(obj)
        audit_record(
            actor=request.user,
            action=AuditEntry.Action.UPDATE if change else AuditEntry.Action.CREATE,
            obj=obj,
            changes=changes_between(before, after) if change else after,
            summary=_("in the administration site"),
        )

    def delete_model(self, request, obj):
        audit_record(
            actor=request.user,
            action=AuditEntry.Action.DELETE,
            obj=obj,
            changes=model_snapshot(obj),
            summary=_("in the administration site"),
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


class ServiceAdminMixin:
    """The admin writes through the app's services, like every other road: the same rules, the
    same audit entry. ``services`` names the create/update/delete functions; a ValidationError a
    service raises is shown on the form (add and change) or as a message (delete)."""

    services = None  # (create, update, delete)
    service_fields = ()

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)
        admin = self

        class ServiceForm(form_class):
            def _post_clean(self):
                # The service builds what is derived (a path) and runs full_clean() itself; here
                # the save is tried in a savepoint so that its refusal lands on the form.
                super()._post_clean()
                if self.errors:
                    return
                try:
                    with transaction.atomic():
                        admin._save_through_service(request, self.instance, self.cleaned_data)
                        transaction.set_rollback(True)
                except ValidationError as error:
                    self._update_errors(error)

        return ServiceForm

    def _save_through_service(self, request, obj, data):
        create, update, _delete = self.services
        values = {name: data.get(name) for name in self.service_fields}
        if obj.pk:
            return update(actor=request.user, instance=obj, **values)
        return create(actor=request.user, **values)

    def save_model(self, request, obj, form, change):
        obj.pk = self._save_through_service(request, obj, form.cleaned_data).pk
        obj.refresh_from_db()  # the admin goes on with the object as the service saved it

    def delete_model(self, request, obj):
        _create, _update, delete = self.services
        delete(actor=request.user, instance=obj)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            with transaction.atomic():
                return super().delete_view(request, object_id, extra_context)
        except ValidationError as error:  # the service refused: say why, on the object's page
            self.message_user(request, "；".join(error.messages), messages.ERROR)
            opts = self.model._meta
            return redirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[object_id]))

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            try:
                with transaction.atomic():
                    self.delete_model(request, obj)
            except ValidationError as error:
                self.message_user(request, f"{obj}：{'；'.join(error.messages)}", messages.ERROR)


class ColumnExportForm(SelectableFieldsExportForm):
    """The export form names each column as the file will: 区划代码, not "Code (区划代码)"."""

    def _get_field_label(self, resource, field_name):
        field = resource.fields.get(field_name)
        return field.column_name if field else field_name


class ReferenceImportExportMixin(ImportExportMixin):
    """Import and export of reference data in the admin (django-import-export, with its preview):
    importing needs the model's add and change permissions, exporting its view permission; rows are
    saved by the resource through the app's services (core.resources)."""

    formats = (XLSX, CSV)  # what the bureaus' spreadsheet programs write
    export_form_class = ColumnExportForm

    def get_export_filename(self, request, queryset, file_format):
        stamp = timezone.localdate().strftime("%Y%m%d")
        return f"{self.model._meta.verbose_name_plural}-{stamp}.{file_format.get_extension()}"

    def _do_file_export(self, file_format, request, queryset, export_form=None):
        response = super()._do_file_export(file_format, request, queryset, export_form)
        # django-import-export writes the name as plain text, which a Chinese name cannot be.
        response["Content-Disposition"] = content_disposition(
            self.get_export_filename(request, queryset, file_format)
        )
        return response

    def has_import_permission(self, request):
        return self.has_add_permission(request) and self.has_change_permission(request)

    def has_export_permission(self, request):
        return self.has_view_permission(request)


class CheckedAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete widget looks the chosen row up to show it again. A refused form shows
    what was sent, and a value that is no id at all ("abc") made that lookup crash (500)."""

    def optgroups(self, name, value, attr=None):
        def is_id(candidate):
            try:
                self.field.target_field.to_python(candidate)
            except ValidationError:
                return False
            return True

        return super().optgroups(name, [v for v in value if is_id(v)], attr)


class CheckedAutocompleteMixin:
    """``autocomplete_fields`` with CheckedAutocompleteSelect instead of Django's widget."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = CheckedAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ("at", "actor_name", "action", "content_type", "object_repr", "summary")
    list_filter = ("action", "content_type")
    search_fields = ("actor_name", "object_repr", "summary")
    date_hierarchy = "at"


@admin.register(Job)
class JobAdmin(ReadOnlyAdmin):
    list_display = ("id", "kind", "status", "progress", "created_by", "created_at", "finished_at")
    list_filter = ("status", "kind")


# --- django-celery-beat's pages (superusers only), with two of its forms made to refuse junk -------

# Django's own "Enter a valid value.", which Django's catalogue translates.
INVALID = RegexValidator.message


class CheckedPeriodicTaskForm(PeriodicTaskForm):
    def clean(self):
        if "task" not in self.cleaned_data and not self.cleaned_data.get("regtask"):
            return self.cleaned_data  # the task's own error says why; the form's clean() would crash
        return super().clean()


class CheckedCrontabScheduleForm(forms.ModelForm):
    """Each field must be one Celery can read: the model's validators let "-5" through, and the
    page, which shows the schedule in words, then crashed on it."""

    def clean(self):
        cleaned = super().clean()
        for name in ("minute", "hour", "day_of_month", "month_of_year", "day_of_week"):
            if cleaned.get(name):
                try:
                    crontab(**{name: cleaned[name]})
                except Exception:  # Celery's parser fails in several ways (ParseException, KeyError, ...)
                    self.add_error(name, ValidationError(INVALID, code="invalid"))
        return cleaned


admin.site.unregister(PeriodicTask)
admin.site.unregister(CrontabSchedule)


@admin.register(PeriodicTask)
class CheckedPeriodicTaskAdmin(PeriodicTaskAdmin):
    form = CheckedPeriodicTaskForm


@admin.register(CrontabSchedule)
class CheckedCrontabScheduleAdmin(CrontabScheduleAdmin):
    form = CheckedCrontabScheduleForm
