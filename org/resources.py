"""Regions and organisations as spreadsheets in the administration site (django-import-export),
imported through org.services."""

from import_export import fields
from import_export.widgets import CharWidget

from core.resources import ChoiceLabelWidget, LookupWidget, ServiceResource

from .models import Organisation, Region
from .services import (
    ORGANISATION_FIELDS,
    organisation_create,
    organisation_update,
    region_create,
    region_update,
)


class RegionResource(ServiceResource):
    """Rows in order from the top: a region's parent is named by its division code."""

    code = fields.Field(attribute="code", column_name="区划代码", widget=CharWidget())
    name = fields.Field(attribute="name", column_name="名称", widget=CharWidget())
    level = fields.Field(
        attribute="level", column_name="层级", widget=ChoiceLabelWidget(Region.Level.choices)
    )
    parent = fields.Field(attribute="parent", column_name="上级区划代码", widget=LookupWidget(Region, "code"))

    services = (region_create, region_update)

    class Meta:
        model = Region
        fields = ("code", "name", "level", "parent")
        import_id_fields = ("code",)
        skip_unchanged = True


class OrganisationResource(ServiceResource):
    """An organisation is found by its region and name."""

    name = fields.Field(attribute="name", column_name="名称", widget=CharWidget())
    short_name = fields.Field(attribute="short_name", column_name="简称", widget=CharWidget())
    kind = fields.Field(
        attribute="kind", column_name="类型", widget=ChoiceLabelWidget(Organisation.Kind.choices)
    )
    region = fields.Field(attribute="region", column_name="所辖区划代码", widget=LookupWidget(Region, "code"))

    services = (organisation_create, organisation_update)

    class Meta:
        model = Organisation
        fields = ORGANISATION_FIELDS
        import_id_fields = ("region", "name")
        skip_unchanged = True
