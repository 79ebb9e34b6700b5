"""Forms of compounds and buildings."""

from django import forms

from core.forms import ServiceModelForm
from org.models import Region
from projects.models import Building, Compound

from .services import BUILDING_EDITABLE, COMPOUND_EDITABLE


class CommunityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.parent.parent.name} / {obj.parent.name} / {obj.name}"


class CompoundForm(ServiceModelForm):
    class Meta:
        model = Compound
        fields = COMPOUND_EDITABLE
        field_classes = {"community": CommunityChoiceField}
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["community"].queryset = (
            Region.objects.restrict(user)
            .filter(level=Region.Level.COMMUNITY)
            .select_related("parent__parent")
        )


class BuildingForm(ServiceModelForm):
    class Meta:
        model = Building
        fields = BUILDING_EDITABLE
