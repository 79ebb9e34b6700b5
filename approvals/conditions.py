"""A stage's condition: ``<fact> <op> <number|"text">`` over the subject's registered facts.

Parsed by one regular expression and compared in Python; nothing is evaluated. A fact is named as
the subject's app registers it (``approvals.registry``: letters, digits, _ or Chinese characters); numbers compare as decimals, text as text
(only ``==`` and ``!=``)."""

import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_CONDITION = re.compile(
    r'^\s*(?P<fact>\w+)\s*(?P<op>>=|<=|==|!=|>|<)\s*(?P<value>-?\d+(?:\.\d+)?|"[^"]*")\s*$'
)
_COMPARE = {
    ">=": lambda a, b: a >= b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    "<": lambda a, b: a < b,
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
}


def parse_condition(text, *, field=None):
    """(fact, operator, value) of a condition; value is a Decimal or a str. Refused with a message
    that quotes the condition when it is not of the form ``amount >= 500000`` / ``kind == "基础类"``."""
    match = _CONDITION.match(text or "")
    if match is None:
        message = _(
            'The condition “%(condition)s” is not of the form amount >= 500000 or kind == "基础类".'
        ) % {"condition": text}
        raise ValidationError({field: message} if field else message)
    raw = match["value"]
    if raw.startswith('"'):
        if match["op"] not in ("==", "!="):
            message = _("The condition “%(condition)s” compares text: use == or !=.") % {"condition": text}
            raise ValidationError({field: message} if field else message)
        return match["fact"], match["op"], raw[1:-1]
    return match["fact"], match["op"], Decimal(raw)


def check_condition(text, *, field=None):
    parse_condition(text, field=field)


def condition_holds(text, facts):
    """True when ``text`` (empty: always) holds for ``facts`` ({name: value}). A fact the subject
    does not register, or a number that is no number, is refused naming it."""
    if not text:
        return True
    fact, op, expected = parse_condition(text)
    if fact not in facts:
        raise ValidationError(
            _("The condition “%(condition)s” names “%(fact)s”, which this subject does not have.")
            % {"condition": text, "fact": fact}
        )
    actual = facts[fact]
    if isinstance(expected, Decimal):
        try:
            actual = Decimal(str(actual))
        except (InvalidOperation, ValueError):
            raise ValidationError(
                _("The condition “%(condition)s” needs a number, but “%(fact)s” is “%(value)s”.")
                % {"condition": text, "fact": fact, "value": actual}
            ) from None
    else:
        actual = "" if actual is None else str(actual)
    return _COMPARE[op](actual, expected)
