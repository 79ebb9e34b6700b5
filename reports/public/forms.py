"""The one field city staff fill when they publish a public page."""

from django import forms

from reports.models import ProjectPublicPage


class PublishForm(forms.Form):
    hotline = forms.CharField(
        label=ProjectPublicPage._meta.get_field("hotline").verbose_name,
        help_text=ProjectPublicPage._meta.get_field("hotline").help_text,
        max_length=40,
        required=False,  # empty: the page's hotline as it is (12345 on first publication)
    )
