"""The administration site for regions, organisations and users (system administrators)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from guardian.admin import GuardedModelAdmin

from core.admin import (
    AuditedAdminMixin,
    CheckedAutocompleteMixin,
    ReferenceImportExportMixin,
    ServiceAdminMixin,
)

from .models import CityPolicy, Organisation, Region, User
from .resources import OrganisationResource, RegionResource
from .roles import role_label
from .services import (
    organisation_create,
    organisation_delete,
    organisation_update,
    region_create,
    region_delete,
    region_update,
)


@admin.register(Region)
class RegionAdmin(CheckedAutocompleteMixin, ServiceAdminMixin, ReferenceImportExportMixin, GuardedModelAdmin):
    """Regions, written through org.services (a changed code moves the whole subtree); the "object
    permissions" page grants a user extra regions to work in."""

    list_display = ("name", "code", "level", "parent")
    list_filter = ("level",)
    search_fields = ("name", "code")
    autocomplete_fields = ("parent",)
    readonly_fields = ("path",)
    services = (region_create, region_update, region_delete)
    service_fields = ("code", "name", "level", "parent")
    resource_classes = (RegionResource,)


@admin.register(Organisation)
class OrganisationAdmin(
    CheckedAutocompleteMixin, ServiceAdminMixin, ReferenceImportExportMixin, admin.ModelAdmin
):
    services = (organisation_create, organisation_update, organisation_delete)
    service_fields = ("name", "short_name", "kind", "region")
    resource_classes = (OrganisationResource,)
    list_display = ("name", "short_name", "kind", "region")
    list_filter = ("kind",)
    search_fields = ("name", "short_name")
    autocomplete_fields = ("region",)


@admin.register(User)
class PortalUserAdmin(CheckedAutocompleteMixin, AuditedAdminMixin, UserAdmin):
    list_display = ("username", "full_name", "organisation", "roles", "is_active", "last_login")
    # Kept by Django, not typed in (a typed year 1 also overflowed when converted to UTC: 500).
    readonly_fields = ("last_login", "date_joined")
    list_filter = ("is_active", "is_staff", "groups", "organisation__kind")
    search_fields = ("username", "first_name", "last_name", "organisation__name")
    autocomplete_fields = ("organisation",)
    fieldsets = (
        *UserAdmin.fieldsets,
        (_("Organisation"), {"fields": ("organisation", "phone")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "fields": (
                    "username",
                    "last_name",
                    "first_name",
                    "organisation",
                    "groups",
                    "password1",
                    "password2",
                )
            },
        ),
    )

    @admin.display(description=_("name"))
    def full_name(self, obj):
        return obj.get_full_name()

    @admin.display(description=_("roles"))
    def roles(self, obj):
        return "、".join(str(role_label(g.name)) for g in obj.groups.all())

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organisation").prefetch_related("groups")


@admin.register(CityPolicy)
class CityPolicyAdmin(admin.ModelAdmin):
    """Read-only here: policies are edited in the portal, whose service recomputes the verdicts."""

    list_display = ("title", "document_number", "city", "effective_from")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
