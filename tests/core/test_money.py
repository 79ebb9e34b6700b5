"""Amounts stored in yuan, typed and read in 万元 (core.money, docs/money.md)."""

from decimal import Decimal

import pytest
from django import forms
from django.utils import translation

from core.importing import CellError
from core.money import WanField, export_wan, format_wan, wan_cell, wan_figure
from core.templatetags.portal import wan


def test_a_page_shows_two_places_in_wan_and_never_a_small_amount_as_zero():
    assert format_wan(Decimal("19210000.00")) == "1,921.00"
    assert format_wan(Decimal("305000")) == "30.50"
    assert format_wan(Decimal("1234")) == "0.12"  # 2 places when 2 places say something
    assert format_wan(Decimal("24")) == "0.0024"  # not 0.00
    assert format_wan(Decimal("90")) == "0.009"
    assert format_wan(Decimal("0.01")) == "0.000001"  # one fen
    assert format_wan(Decimal("0")) == "0.00"  # zero is zero
    assert format_wan(None) == "—"  # nothing entered is not zero
    assert format_wan("") == "—"
    assert format_wan("not a number") == "—"
    assert wan(Decimal("24")) == "0.0024" and wan(Decimal("240000")) == "24.00"


def test_an_input_shows_the_exact_figure_in_wan_without_float_noise_or_trailing_zeros():
    assert wan_figure(Decimal("240000.00")) == "24"
    assert wan_figure(Decimal("305000.00")) == "30.5"
    assert wan_figure(Decimal("24.00")) == "0.0024"
    assert wan_figure(Decimal("0.01")) == "0.000001"
    assert wan_figure(Decimal("1000000000.00")) == "100000"  # never 1E+5
    assert wan_figure(Decimal("0.00")) == "0"
    assert wan_figure(None) == ""


class AmountForm(forms.Form):
    amount = WanField(label="amount", min_value=0, required=False)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("24", "240000.00"), ("30.5", "305000.00"), ("0.0024", "24.00"), ("1,921", "19210000.00"),
     ("0.000001", "0.01"), ("0", "0.00")],
)  # fmt: skip
def test_a_wan_field_stores_yuan_and_shows_back_what_was_typed(typed, stored):
    form = AmountForm({"amount": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["amount"] == Decimal(stored)
    again = AmountForm(initial={"amount": form.cleaned_data["amount"]})
    assert f'value="{typed.replace(",", "")}"' in str(again["amount"])
    assert not AmountForm({"amount": typed}, initial={"amount": Decimal(stored)}).has_changed()


def test_a_wan_field_writes_its_unit_beside_the_box():
    with translation.override("zh-hans"):
        html = str(AmountForm(initial={"amount": Decimal("240000")})["amount"])
    assert '<div class="input-group has-validation flex-nowrap unit-input">' in html
    assert '<span class="input-group-text" id="id_amount-unit">万元</span>' in html
    assert 'aria-describedby="id_amount-unit"' in html and 'inputmode="decimal"' in html


def test_a_wan_field_refuses_what_would_lose_a_fen_or_not_fit():
    with translation.override("en"):
        form = AmountForm({"amount": "0.0000001"})
        assert not form.is_valid() and "6 decimal places" in form.errors["amount"][0]
        assert not AmountForm({"amount": "abc"}).is_valid()
        assert not AmountForm({"amount": "-1"}).is_valid()
        assert not AmountForm({"amount": "100000000"}).is_valid()  # 10¹² yuan: over 14 digits
        assert AmountForm({"amount": "99999999.99"}).is_valid()
    # What was typed wrong is shown back as it was typed.
    assert 'value="abc"' in str(AmountForm({"amount": "abc"})["amount"])


def test_a_spreadsheet_cell_in_wan_is_stored_in_yuan_and_exported_back_as_the_same_figure():
    assert wan_cell(24) == Decimal("240000.00")
    assert wan_cell(0.0024) == Decimal("24.00")  # a float cell: no binary noise
    assert wan_cell(30.5) == Decimal("305000.00")
    assert wan_cell("1,921") == Decimal("19210000.00")
    assert wan_cell(None) is None and wan_cell("  ") is None
    with pytest.raises(CellError):
        wan_cell("-1")
    with pytest.raises(CellError):
        wan_cell("0.0000001")
    with pytest.raises(CellError):
        wan_cell(1000, maximum=Decimal("999"))
    assert export_wan(Decimal("240000.00")) == 24 and str(export_wan(Decimal("240000.00"))) == "24"
    assert str(export_wan(Decimal("24.00"))) == "0.0024"
    assert str(export_wan(Decimal("1000000000.00"))) == "100000"
    assert export_wan(None) is None
