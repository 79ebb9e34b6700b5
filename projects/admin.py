"""The item catalogue in the administration site, with spreadsheet import and export; edited
through the catalogue's services (the portal's catalogue pages use the same ones)."""

from django.contrib import admin

from core.admin import ReferenceImportExportMixin, ServiceAdminMixin

from .catalogue.resources import RenovationItemResource
from .catalogue.services import (
    RENOVATION_ITEM_FIELDS,
    renovationitem_create,
    renovationitem_delete,
    renovationitem_update,
)
from .models import RenovationItem


@admin.register(RenovationItem)
class RenovationItemAdmin(ServiceAdminMixin, ReferenceImportExportMixin, admin.ModelAdmin):
    list_display = ("name", "code", "category", "unit", "default_payer", "active")
    list_filter = ("category", "active", "default_payer")
    search_fields = ("name", "code")
    services = (renovationitem_create, renovationitem_update, renovationitem_delete)
    service_fields = RENOVATION_ITEM_FIELDS
    resource_classes = (RenovationItemResource,)
