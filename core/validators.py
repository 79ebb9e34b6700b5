"""Password rules beyond Django's own."""

import string

from django.core.exceptions import ValidationError
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
