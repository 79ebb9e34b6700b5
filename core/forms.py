"""The base of the portal's model forms, and small helpers for showing form errors."""

from django import forms


class ServiceModelForm(forms.ModelForm):
    """A model form whose save goes through a service (``core.views.ObjectEditView``).

    The form checks its fields only: the service sets what is derived (a city, a path, a verdict)
    and runs ``full_clean()`` itself, so the model's own clean here would judge a half-built
    object. ``user`` narrows choice fields to the user's scope in subclasses that need it.
    """

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

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
