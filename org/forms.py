"""Forms of org's portal pages; choice fields are narrowed to the user's scope."""

from django import forms

from .models import CityPolicy, Region


class RegionForm(forms.ModelForm):
    class Meta:
        model = Region
        fields = ["parent", "level", "code", "name"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        parents = Region.objects.restrict(user, "view").exclude(level=Region.Level.COMMUNITY)
        if self.instance.pk:
            parents = parents.exclude(path__startswith=self.instance.path)
        self.fields["parent"].queryset = parents

    def _post_clean(self):
        # The service builds the path and runs full_clean(); here only the form's own checks run.
        pass


class CityPolicyForm(forms.ModelForm):
    class Meta:
        model = CityPolicy
        fields = [
            "city", "title", "document_number", "effective_from", "built_before", "exclude_shanty_town_areas",
            "exclude_self_built_housing",
        ]  # fmt: skip
        widgets = {
            "effective_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "built_before": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["city"].queryset = Region.objects.restrict(user).filter(level=Region.Level.CITY)

    def _post_clean(self):
        pass
