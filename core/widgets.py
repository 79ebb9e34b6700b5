"""Form widgets of the portal beyond Django's own."""

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class SearchSelectMultiple(forms.SelectMultiple):
    """A multiple choice among more rows than a page can hold (a province's 40,000 compounds).

    Only the chosen options are rendered, with their labels (also when the form comes back with
    errors); Tom Select (static/js/search-select.js) asks ``search_url`` for the others, page by
    page, as the user types. Without JavaScript the chosen options can still be kept or dropped.
    The field's own queryset still decides what may be chosen.
    """

    class Media:
        css = {"all": ["vendor/tom-select/tom-select.bootstrap5.min.css"]}
        js = ["vendor/tom-select/tom-select.complete.min.js", "js/search-select.js"]

    def __init__(self, search_url, attrs=None):
        super().__init__(attrs)
        self.search_url = search_url  # a URL name, reversed when the widget renders

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].update(
            {
                "data-search-url": reverse(self.search_url),
                "data-placeholder": _("Type a name, code or street"),
                "data-no-results": _("Nothing matches."),
                "data-loading": _("Loading…"),
            }
        )
        return context

    def optgroups(self, name, value, attrs=None):
        queryset = getattr(self.choices, "queryset", None)
        if queryset is None:
            return super().optgroups(name, value, attrs)
        everything = self.choices
        chosen = [v for v in value if str(v).isdigit()]  # junk in the POST selects nothing
        self.choices = type(everything)(everything.field)
        self.choices.queryset = queryset.filter(pk__in=chosen)
        try:
            return super().optgroups(name, value, attrs)
        finally:
            self.choices = everything
