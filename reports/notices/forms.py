"""The forms of the notice pages: issue one notice, issue a batch, void a notice."""

from django import forms
from django.utils.translation import gettext_lazy as _

from org.models import Region

from .selectors import default_issuer, issuers_for


class IssuerField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.signature}（{obj.abbreviation}）"


def _contact_of(user):
    name = user.get_full_name() or user.username
    return f"{name} {user.phone}".strip()


class IssueForm(forms.Form):
    """What the issuing user chooses: in whose name, the title and addressee (proposed by the kind),
    the contact printed in the 附注, and an optional paragraph added to the body."""

    issuer = IssuerField(label=_("issued in the name of"), queryset=None, empty_label=None)
    title = forms.CharField(label=_("title"), max_length=200)
    addressee = forms.CharField(label=_("addressee"), max_length=200, required=False)
    contact = forms.CharField(
        label=_("contact person and phone"), max_length=100, required=False,
        help_text=_("Printed at the foot of the notice, e.g. 王明 0533-1234567."),
    )  # fmt: skip
    note = forms.CharField(
        label=_("additional paragraph"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Added at the end of the body, as typed."),
    )  # fmt: skip

    def __init__(self, *args, kind, subject, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issuer"].queryset = issuers_for(user)
        if not self.is_bound:
            self.initial.update(
                issuer=default_issuer(kind, user), title=kind.title(subject), addressee=kind.addressee(subject),
                contact=_contact_of(user),
            )  # fmt: skip


class BatchForm(forms.Form):
    """One notice for each chosen subject of a district, in one name."""

    issuer = IssuerField(label=_("issued in the name of"), queryset=None, empty_label=None)
    subjects = forms.MultipleChoiceField(label=_("projects"), widget=forms.CheckboxSelectMultiple)
    contact = forms.CharField(label=_("contact person and phone"), max_length=100, required=False)
    note = forms.CharField(
        label=_("additional paragraph"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, kind, subjects, user, issued=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issuer"].queryset = issuers_for(user)
        self.subject_rows = list(subjects)
        issued = issued or {}

        def label(subject):
            if subject.pk in issued:
                return _("%(subject)s (has %(number)s)") % {
                    "subject": kind.subject_label(subject),
                    "number": issued[subject.pk],
                }
            return kind.subject_label(subject)

        self.fields["subjects"].choices = [(str(s.pk), label(s)) for s in self.subject_rows]
        if not self.is_bound:
            # Ticked: the subjects without such a notice yet.
            self.initial.update(
                issuer=default_issuer(kind, user), contact=_contact_of(user),
                subjects=[str(s.pk) for s in self.subject_rows if s.pk not in issued],
            )  # fmt: skip

    def chosen(self):
        keys = set(self.cleaned_data["subjects"])
        return [s for s in self.subject_rows if str(s.pk) in keys]


class BatchScopeForm(forms.Form):
    """The kind and district the batch page lists subjects of (GET)."""

    kind = forms.ChoiceField(label=_("kind"))
    region = forms.ModelChoiceField(
        label=_("district or county"),
        queryset=Region.objects.none(),
        required=False,
        empty_label=_("all my area"),
    )

    def __init__(self, *args, kinds, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k.code, k.label) for k in kinds]
        self.fields["region"].queryset = Region.objects.restrict(user).filter(level=Region.Level.DISTRICT)


class VoidForm(forms.Form):
    void_reason = forms.CharField(label=_("reason for voiding"), max_length=300)
