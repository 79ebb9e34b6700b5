"""Working days of 2026 (holidays and 调休 weekends) and the stage condition's tiny language."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from approvals.conditions import condition_holds, parse_condition
from approvals.workdays import add_working_days, is_working_day, working_days_between

D = datetime.date


@pytest.mark.parametrize(
    "day, working",
    [
        (D(2026, 3, 2), True),  # a Monday
        (D(2026, 3, 7), False),  # a Saturday
        (D(2026, 1, 1), False),  # 元旦
        (D(2026, 1, 4), True),  # a Sunday worked (调休)
        (D(2026, 2, 16), False),  # 春节, a Monday
        (D(2026, 2, 14), True),  # a Saturday worked
        (D(2026, 10, 8), True),  # after 国庆
        (D(2026, 10, 7), False),  # 国庆, a Wednesday
        (D(2026, 10, 10), True),  # a Saturday worked
        (D(2026, 6, 19), False),  # 端午, a Friday
    ],
)
def test_the_2026_calendar_knows_holidays_and_weekends_worked(day, working):
    assert is_working_day(day) is working


def test_a_deadline_counts_working_days_only():
    assert add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 8)  # over 国庆
    assert add_working_days(D(2026, 10, 9), 1) == D(2026, 10, 10)  # onto a Saturday worked
    assert add_working_days(D(2026, 3, 6), 5) == D(2026, 3, 13)  # a plain week
    assert working_days_between(D(2026, 9, 30), D(2026, 10, 8)) == 1


def test_a_local_day_off_comes_from_the_settings(settings):
    settings.APPROVALS_EXTRA_HOLIDAYS = ["2026-03-09"]
    assert not is_working_day(D(2026, 3, 9))
    assert add_working_days(D(2026, 3, 6), 1) == D(2026, 3, 10)


@pytest.mark.parametrize(
    "condition, holds",
    [
        ("amount >= 500000", True),
        ("amount > 600000", False),
        ("amount < 600000.5", True),
        ('kind == "基础类"', True),
        ('kind != "基础类"', False),
        ("", True),
    ],
)
def test_a_condition_compares_a_registered_fact(condition, holds):
    assert condition_holds(condition, {"amount": "600000.00", "kind": "基础类"}) is holds


@pytest.mark.parametrize(
    "condition, message",
    [
        ("amount >= ", "is not of the form"),
        ("amount >= 1 or 1", "is not of the form"),
        ("__import__('os') == 1", "is not of the form"),
        ('kind > "基础类"', "compares text"),
    ],
)
def test_a_condition_that_is_not_one_is_refused_quoting_it(condition, message):
    with translation.override("en"), pytest.raises(ValidationError, match=message):
        parse_condition(condition)


def test_a_number_compared_with_text_is_refused_naming_the_fact():
    assert parse_condition("amount >= 500000") == ("amount", ">=", Decimal(500000))
    with translation.override("en"), pytest.raises(ValidationError, match="“kind” is “基础类”"):
        condition_holds("kind >= 1", {"kind": "基础类"})
