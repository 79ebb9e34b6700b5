"""Approval flows, requests and their steps in the administration site: read only. Flows are defined
through approvals.services (stage_add, flowversion_publish), so a published version never changes
under a running request; requests change only through their decisions. Superusers only: the admin
does not go through restrict(), and the portal's pages (next session) are where reviewers look."""

from django.contrib import admin

from .models import ApprovalRequest, Delegation, Flow, FlowVersion, Stage, StageActor, Step


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class StageActorInline(admin.TabularInline):
    model = StageActor
    fields = ("kind", "organisation")
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Flow)
class FlowAdmin(ReadOnlyAdmin):
    list_display = ("name", "code", "city")
    list_filter = ("code",)


@admin.register(FlowVersion)
class FlowVersionAdmin(ReadOnlyAdmin):
    list_display = ("flow", "number", "published_at")
    list_select_related = ("flow",)


@admin.register(Stage)
class StageAdmin(ReadOnlyAdmin):
    list_display = ("name", "version", "order", "mode", "role", "condition", "deadline_days")
    list_select_related = ("version__flow",)
    inlines = [StageActorInline]


class StepInline(admin.TabularInline):
    model = Step
    fields = ("at", "round", "stage", "action", "actor", "on_behalf_of", "actor_organisation", "opinion")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ApprovalRequest)
class ApprovalRequestAdmin(ReadOnlyAdmin):
    list_display = ("subject_repr", "flow", "state", "current_stage", "round", "submitter", "due_on")
    list_filter = ("state", "flow__code")
    list_select_related = ("flow", "current_stage", "submitter")
    search_fields = ("subject_repr",)
    fields = (
        "subject_repr", "flow", "flow_version", "state", "current_stage", "round", "submitter",
        "submitter_organisation", "submitted_at", "due_on", "decided_at",
    )  # fmt: skip
    inlines = [StepInline]


@admin.register(Delegation)
class DelegationAdmin(ReadOnlyAdmin):
    list_display = ("delegator", "delegate", "starts_on", "ends_on", "reason")
    list_select_related = ("delegator", "delegate")
