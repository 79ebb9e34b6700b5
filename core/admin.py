"""Administration of core's models, and a mixin that audits every change made in the admin."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .audit import audit_record, changes_between, model_snapshot
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
