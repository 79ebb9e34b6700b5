"""Forms of compounds and buildings."""

from django import forms
from django.utils.translation import gettext_lazy as _

from org.models import Region

from .catalogue import ITEM_FIELDS
from .models import Building, Compound, Project, RenovationItem
from .project_services import PROJECT_EDITABLE
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


class RenovationItemForm(forms.ModelForm):
    class Meta:
        model = RenovationItem
        fields = ITEM_FIELDS

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)

    def _post_clean(self):
        pass


class CompoundChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.community.parent.name} {obj.community.name}）"


class ProjectForm(forms.ModelForm):
    compounds = CompoundChoiceField(
        label=_("compounds"),
        queryset=Compound.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 10}),
    )

    class Meta:
        model = Project
        fields = ("compounds", *PROJECT_EDITABLE)
        widgets = {
            "planned_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "planned_completion": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["compounds"].queryset = (
            Compound.objects.restrict(user)
            .select_related("community__parent")
            .order_by("community__path", "name")
        )
        if self.instance.pk:
            self.initial["compounds"] = list(self.instance.compounds.values_list("pk", flat=True))

    def _post_clean(self):
        pass
