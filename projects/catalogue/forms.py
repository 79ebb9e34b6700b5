"""The form of the item catalogue."""

from core.forms import ServiceModelForm
from projects.models import RenovationItem

from .services import RENOVATION_ITEM_PAGE_FIELDS


class RenovationItemForm(ServiceModelForm):
    class Meta:
        model = RenovationItem
        fields = RENOVATION_ITEM_PAGE_FIELDS
