"""The base of the portal's model forms, and small helpers for showing form errors."""

from django import forms
from django.db.models import BLANK_CHOICE_DASH
from django.utils.translation import gettext_lazy as _

# What an empty drop-down reads instead of Django's "---------".
CHOOSE = _("choose…")


class ServiceModelForm(forms.ModelForm):
    """A model form whose save goes through a service (``core.views.ObjectEditView``).

    The form checks its fields only: the service sets what is derived (a city, a path, a verdict)
    and runs ``full_clean()`` itself, so the model's own clean here would judge a half-built
    object. ``user`` narrows choice fields to the user's scope in subclasses that need it.
    """

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for field in self.fields.values():
            name_empty_choice(field)

    def _post_clean(self):
        pass  # see the class docstring: the service runs full_clean()

    def has_field(self, name):
        """Whether a service's error about ``name`` belongs at one of this form's fields."""
        return name in self.fields


def form_messages(form):
    """A form's errors as sentences naming their field."""
    result = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        result.extend(f"{label}：{error}" if label else error for error in errors)
    return result


def name_empty_choice(field):
    """An optional or not-yet-chosen drop-down reads "请选择…", not Django's "---------"."""
    dash = BLANK_CHOICE_DASH[0][1]
    if getattr(field, "empty_label", None) == dash:
        field.empty_label = CHOOSE
    elif isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
        choices = list(field.choices)
        if choices and choices[0] == ("", dash):
            field.choices = [("", CHOOSE), *choices[1:]]
