"""The forms of the flow editor: a stage of a draft version (who acts, how, when, and if), and the
move of a stage up or down. The services check the same again under lock."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import ServiceModelForm
from org.models import Organisation
from org.roles import ROLES

from .conditions import parse_condition
from .models import Stage


class StageForm(ServiceModelForm):
    """A stage: its name, who acts (organisation kinds and/or named organisations of the flow's
    city), mode, role, condition, working days, what is recorded on approval."""

    kinds = forms.MultipleChoiceField(
        label=_("Organisations by kind"),
        required=False,
        choices=Organisation.Kind.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "For each request, the nearest organisation of the kind above its region: the street office "
            "of its street, the bureau of its district, the city's finance bureau."
        ),
    )
    organisations = forms.TypedMultipleChoiceField(
        label=_("Named organisations"),
        required=False,
        coerce=int,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_(
            "These very organisations, whatever the request's region. Hold Ctrl (⌘ on a Mac) to choose several."
        ),
        error_messages={
            "invalid_choice": _("Named organisations: %(value)s is not an organisation of this city.")
        },
    )

    class Meta:
        model = Stage
        fields = ("name", "mode", "role", "condition", "deadline_days", "record", "submitter_passes")
        error_messages = {
            "name": {"required": _("Give the stage a name.")},
            "deadline_days": {
                "required": _("Give the deadline in working days."),
                "invalid": _("The deadline is a whole number of working days."),
                "min_value": _("The deadline is at least 1 working day."),
            },
        }

    field_order = ("name", "kinds", "organisations", "mode", "role", "condition", "deadline_days", "record")

    def __init__(self, *args, version=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [
            ("", _("anyone of the organisation")),
            *[(c, r.label) for c, r in ROLES.items()],
        ]
        self.fields["deadline_days"].widget.attrs.update(min=1, max=365)
        self.fields["deadline_days"].validators.append(_at_least_one_day)
        self.fields["condition"].widget.attrs["placeholder"] = "amount >= 500000"
        city = version.flow.city
        self.organisation_choices = (
            Organisation.objects.restrict(self.user)
            .filter(region__path__startswith=city.path)
            .select_related("region")
            .order_by("kind", "region__path", "name")
        )
        groups = {}
        for organisation in self.organisation_choices:
            groups.setdefault(organisation.get_kind_display(), []).append(
                (organisation.pk, organisation.name)
            )
        self.fields["organisations"].choices = list(groups.items())
        if self.instance.pk:
            actors = list(self.instance.actors.all())
            self.initial["kinds"] = [a.kind for a in actors if a.kind]
            self.initial["organisations"] = [a.organisation_id for a in actors if a.organisation_id]

    def clean_condition(self):
        condition = self.cleaned_data["condition"].strip()
        if condition:
            parse_condition(condition)  # its ValidationError quotes the condition and says what is wrong
        return condition

    def clean(self):
        data = super().clean()
        if "kinds" not in data or "organisations" not in data:
            return data
        chosen = {o.pk: o for o in self.organisation_choices.filter(pk__in=data["organisations"])}
        actors = [*data["kinds"], *[chosen[pk] for pk in data["organisations"] if pk in chosen]]
        if not actors:
            self.add_error(
                "kinds", _("Who acts: choose at least one kind of organisation or one named organisation.")
            )
        elif data.get("mode") == Stage.Mode.SINGLE and len(actors) > 1:
            self.add_error(
                "mode",
                _(
                    "Mode: a stage decided by one organisation names one, and %(count)s are chosen. Choose "
                    "joint signing or any one of them, or fewer organisations."
                )
                % {"count": len(actors)},
            )
        # What the services take: stage_add / stage_update(actors=[kind or Organisation, ...]).
        data["actors"] = actors
        data.pop("kinds", None)
        data.pop("organisations", None)
        return data


def _at_least_one_day(value):
    if value is not None and value < 1:
        raise forms.ValidationError(_("The deadline is at least 1 working day."))


class StageMoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", _("up")), ("down", _("down"))])
