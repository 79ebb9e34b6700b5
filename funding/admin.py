"""The funding sources in the administration site, with spreadsheet import and export; edited
through funding's services."""

from django.contrib import admin

from core.admin import ReferenceImportExportMixin, ServiceAdminMixin

from .models import FundingSource
from .resources import FundingSourceResource
from .services import SOURCE_FIELDS, fundingsource_create, fundingsource_delete, fundingsource_update


@admin.register(FundingSource)
class FundingSourceAdmin(ServiceAdminMixin, ReferenceImportExportMixin, admin.ModelAdmin):
    list_display = ("name", "code", "category", "order", "active")
    list_filter = ("category", "active")
    search_fields = ("name", "code")
    services = (fundingsource_create, fundingsource_update, fundingsource_delete)
    service_fields = SOURCE_FIELDS
    resource_classes = (FundingSourceResource,)
