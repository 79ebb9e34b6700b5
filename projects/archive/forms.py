"""Forms of the archive: an attachment, and a prerequisite's evidence."""

from django import forms
from django.utils.translation import gettext_lazy as _

from projects.models import Attachment

DATE = {"type": "date"}


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("document type"), choices=Attachment.Kind.choices)
    file = forms.FileField(label=_("file"))
    description = forms.CharField(label=_("description"), max_length=200, required=False)


class PrerequisiteForm(forms.Form):
    met_on = forms.DateField(label=_("met on"), widget=forms.DateInput(attrs=DATE))
    note = forms.CharField(label=_("evidence (note)"), max_length=300, required=False)
    file = forms.FileField(label=_("evidence (file)"), required=False)
