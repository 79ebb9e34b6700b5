"""django-import-export in the administration site, on the portal's terms: reference data (regions,
organisations, the item catalogue) is imported row by row through the app's own services, so a
spreadsheet in the admin meets the same rules and leaves the same audit entries as the forms; its
columns carry fixed Chinese headers and choice labels, as the portal's own spreadsheets do.

The portal's bulk imports (compounds, projects, items) stay on core.importing: faster, and with the
workbook of errors marked beside the rows.
"""

from django.utils.translation import gettext as _
from import_export import resources, widgets


class ChoiceLabelWidget(widgets.Widget):
    """A choice field written as its label (专业物业) and read back from the label or the stored value."""

    def __init__(self, choices, **kwargs):
        super().__init__(**kwargs)
        self.choices = choices

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return "" if "" in dict(self.choices) else None  # a blank choice ("none") is stored as ""
        text = str(value).strip()
        for stored, label in self.choices:
            if text in (str(label), str(stored)):
                return stored
        raise ValueError(
            _("“%(value)s” is not one of: %(options)s.")
            % {"value": text, "options": "、".join(str(label) for _stored, label in self.choices)}
        )

    def render(self, value, obj=None, **kwargs):
        return str(dict(self.choices).get(value, value or ""))


class LookupWidget(widgets.ForeignKeyWidget):
    """A related row named by one of its fields (a region by its division code); a name that finds
    nothing is the row's error, in the user's language."""

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row, **kwargs)
        except self.model.DoesNotExist:
            raise ValueError(
                _("No %(model)s “%(value)s”.") % {"model": self.model._meta.verbose_name, "value": value}
            ) from None


class YesNoWidget(widgets.BooleanWidget):
    """是 / 否, as the portal's spreadsheets write them; reads 是/否, 1/0 and true/false."""

    TRUE_VALUES = ["是", "1", 1, True, "true", "TRUE", "True"]
    FALSE_VALUES = ["否", "0", 0, False, "false", "FALSE", "False"]

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else ("是" if value else "否")


class ServiceResource(resources.ModelResource):
    """Saves each imported row through ``services`` = (create, update), with the importing user as
    the actor; a rule the service refuses becomes that row's error in the preview, and nothing of the
    file is saved (the admin's import runs in one transaction)."""

    services = None

    def save_instance(self, instance, is_create, row, **kwargs):
        create, update = self.services
        actor = kwargs.get("user")
        values = {name: getattr(instance, name) for name in self._meta.fields}
        saved = (
            create(actor=actor, **values) if is_create else update(actor=actor, instance=instance, **values)
        )
        instance.pk = saved.pk
