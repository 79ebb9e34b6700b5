"""The item catalogue as a spreadsheet in the administration site (django-import-export),
imported through the catalogue's services."""

from import_export import fields
from import_export.widgets import CharWidget, IntegerWidget

from core.resources import ChoiceLabelWidget, LookupWidget, ServiceResource, YesNoWidget
from projects.models import ItemCategory, RenovationItem

from .services import RENOVATION_ITEM_FIELDS, renovationitem_create, renovationitem_update


class RenovationItemResource(ServiceResource):
    category = fields.Field(
        attribute="category", column_name="类别", widget=LookupWidget(ItemCategory, "name")
    )
    code = fields.Field(attribute="code", column_name="编码", widget=CharWidget())
    name = fields.Field(attribute="name", column_name="名称", widget=CharWidget())
    unit = fields.Field(attribute="unit", column_name="单位", widget=CharWidget())
    indicator = fields.Field(
        attribute="indicator",
        column_name="全国统计指标",
        widget=ChoiceLabelWidget(RenovationItem.Indicator.choices),
    )
    default_payer = fields.Field(
        attribute="default_payer",
        column_name="默认出资方",
        widget=ChoiceLabelWidget(RenovationItem.Payer.choices),
    )
    payer_note = fields.Field(attribute="payer_note", column_name="出资说明", widget=CharWidget())
    order = fields.Field(attribute="order", column_name="排序", widget=IntegerWidget())
    active = fields.Field(attribute="active", column_name="用于新项目", widget=YesNoWidget())

    services = (renovationitem_create, renovationitem_update)

    class Meta:
        model = RenovationItem
        fields = RENOVATION_ITEM_FIELDS
        import_id_fields = ("code",)
        skip_unchanged = True
