"""Forms of compounds and buildings."""

from django import forms

from org.models import Region
from projects.models import Building, Compound

from .services import COMPOUND_EDITABLE


class CommunityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.parent.parent.name} / {obj.parent.name} / {obj.name}"


class CompoundForm(forms.ModelForm):
    class Meta:
        model = Compound
        fields = COMPOUND_EDITABLE
        field_classes = {"community": CommunityChoiceField}
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = (
            Region.objects.restrict(user)
            .filter(level=Region.Level.COMMUNITY)
            .select_related("parent__parent")
        )

    def _post_clean(self):
        pass  # the service runs full_clean() with the derived city and verdict


class BuildingForm(forms.ModelForm):
    class Meta:
        model = Building
        fields = ("number", "storeys", "units", "household_count", "year_built", "has_lift")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)

    def _post_clean(self):
        pass
