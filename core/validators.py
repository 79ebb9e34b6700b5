"""Password rules beyond Django's own, and validators of recorded dates shared by every model."""

import string

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class CharacterClassesValidator:
    """The password mixes at least ``min_classes`` of: lower case, upper case, digits, symbols."""

    def __init__(self, min_classes=3):
        self.min_classes = min_classes

    @staticmethod
    def classes_in(password):
        return sum(
            [
                any(c.islower() for c in password),
                any(c.isupper() for c in password),
                any(c.isdigit() for c in password),
                any(c in string.punctuation or not c.isalnum() for c in password),
            ]
        )

    def validate(self, password, user=None):
        if self.classes_in(password) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self):
        return ngettext(
            "Your password must mix at least %(n)d kind of character: lower case, upper case, digits, symbols.",
            "Your password must mix at least %(n)d kinds of characters: lower case, upper case, digits, symbols.",
            self.min_classes,
        ) % {"n": self.min_classes}


# --- dates and years a user records: what happened cannot lie ahead ---------------------------------


def not_in_future(day):
    """A date something happened on (a report, an inspection, a tick) is today at the latest."""
    if day is not None and day > timezone.localdate():
        raise ValidationError(_("The date cannot be in the future."), code="in_future")


def year_not_in_future(year):
    """A year something was built is this year at the latest."""
    if year is not None and year > timezone.localdate().year:
        raise ValidationError(
            _("The year %(year)d lies in the future."), code="in_future", params={"year": year}
        )
