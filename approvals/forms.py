"""The action forms of a request's page. Each carries the stage and round the user saw (hidden), so
a decision on a request that moved on meanwhile is refused by the service and changes nothing."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Record


class _Seen(forms.Form):
    expected_stage = forms.IntegerField(widget=forms.HiddenInput)
    expected_round = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ApproveForm(_Seen):
    opinion = forms.CharField(
        label=_("Opinion"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Optional."),
    )

    def __init__(self, *args, stage=None, **kwargs):
        super().__init__(*args, **kwargs)
        if stage is not None and stage.record:
            # The stage writes something down with its approval: the 文号 of the 批复, who was present.
            self.fields["record"] = forms.CharField(
                label=stage.get_record_display(), max_length=200, help_text=RECORD_HELP.get(stage.record, "")
            )


RECORD_HELP = {
    Record.DOCUMENT_NUMBER: _("As printed on the approval, e.g. 淄建改批〔2026〕12号."),
    Record.REPRESENTATIVES: _("Names of the residents' representatives who took part, separated by 、."),
    Record.VOUCHER_NUMBER: _("The number of the payment voucher (记账凭证号)."),
}


class ReturnForm(_Seen):
    opinion = forms.CharField(
        label=_("Reason for returning"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Say what the submitter must change."),
    )


class RejectForm(_Seen):
    opinion = forms.CharField(
        label=_("Reason for rejecting"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class WithdrawForm(forms.Form):
    opinion = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; cleans to a list (empty when none was chosen)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class ResubmitForm(forms.Form):
    opinion = forms.CharField(
        label=_("What you changed"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The reviewers also see the changed facts and files."),
    )
    attachments = MultipleFileField(
        label=_("Add files"),
        required=False,
        help_text=_("Several at once. A file with the name of one already sent replaces it."),
    )

    def __init__(self, *args, files_in_force=(), **kwargs):
        super().__init__(*args, **kwargs)
        if files_in_force:
            # The files sent so far stay unless ticked here.
            self.fields["remove"] = forms.TypedMultipleChoiceField(
                label=_("Remove files"),
                required=False,
                help_text=_("Tick the files this submission no longer includes."),
                coerce=int,
                choices=[(row.pk, row.filename) for row in files_in_force],
                widget=forms.CheckboxSelectMultiple,
            )
            self.order_fields(["opinion", "remove", "attachments"])
