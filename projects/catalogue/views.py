"""Pages of the item catalogue: the generic views of core, configured."""

from django.utils.translation import gettext_lazy as _

from core.views import Column, ObjectDeleteView, ObjectDetailView, ObjectEditView, ObjectListView
from projects.models import RenovationItem

from . import services as catalogue
from .filters import RenovationItemFilter
from .forms import RenovationItemForm


class RenovationItemListView(ObjectListView):
    model = RenovationItem
    related = ("category",)
    filterset_class = RenovationItemFilter
    paginate_by = 100
    columns = (
        Column(_("category"), "category", sort="category__order"),
        Column(_("name"), "name", link=True, sort="name"),
        Column(_("unit"), "unit"),
        Column(_("national indicator"), "get_indicator_display"),
        Column(_("paid by default by"), "get_default_payer_display", sort="default_payer"),
        Column(_("offered for new projects"), "active"),
    )


class RenovationItemDetailView(ObjectDetailView):
    model = RenovationItem
    related = ("category",)
    fields = catalogue.RENOVATION_ITEM_PAGE_FIELDS


class RenovationItemEditView(ObjectEditView):
    model = RenovationItem
    form_class = RenovationItemForm
    create_service = catalogue.renovationitem_create
    update_service = catalogue.renovationitem_update


class RenovationItemDeleteView(ObjectDeleteView):
    model = RenovationItem
    delete_service = catalogue.renovationitem_delete
    success_url_name = "projects:renovationitem_list"
