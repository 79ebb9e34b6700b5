"""The notice issuers in the administration site (abbreviation, red header, signature), written
through reports.notices.services."""

from django.contrib import admin

from core.admin import ServiceAdminMixin

from .models import NoticeIssuer
from .notices.services import ISSUER_FIELDS, noticeissuer_create, noticeissuer_delete, noticeissuer_update


@admin.register(NoticeIssuer)
class NoticeIssuerAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_display = ("abbreviation", "signature", "header", "organisation", "active")
    list_filter = ("active",)
    search_fields = ("abbreviation", "signature", "organisation__name")
    fields = ISSUER_FIELDS
    services = (noticeissuer_create, noticeissuer_update, noticeissuer_delete)
    service_fields = ISSUER_FIELDS
