"""The funding sources as a spreadsheet in the administration site (django-import-export),
imported through funding's services."""

from import_export import fields
from import_export.widgets import CharWidget, IntegerWidget

from core.resources import ChoiceLabelWidget, ServiceResource, YesNoWidget

from .models import FundingSource
from .services import SOURCE_FIELDS, fundingsource_create, fundingsource_update


class FundingSourceResource(ServiceResource):
    code = fields.Field(attribute="code", column_name="编码", widget=CharWidget())
    name = fields.Field(attribute="name", column_name="名称", widget=CharWidget())
    category = fields.Field(
        attribute="category", column_name="类别", widget=ChoiceLabelWidget(FundingSource.Category.choices)
    )
    order = fields.Field(attribute="order", column_name="排序", widget=IntegerWidget())
    active = fields.Field(attribute="active", column_name="启用", widget=YesNoWidget())

    services = (fundingsource_create, fundingsource_update)

    class Meta:
        model = FundingSource
        fields = SOURCE_FIELDS
        import_id_fields = ("code",)
        skip_unchanged = True
