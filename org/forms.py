"""Forms of org's portal pages; choice fields are narrowed to the user's scope."""

from django import forms

from .models import Region


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
