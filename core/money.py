"""Amounts stored in one unit and typed, shown and exchanged in a unit 10,000 times larger.

The database keeps ``Decimal`` with 2 places (fen of a yuan, hundredths of a m²); people read and
type the same figure in 万 (万元, 万平方米). Six places in 万 keep every hundredth of the stored unit:
0.000001 万元 is one fen, 0.0024 万元 is 24 元. The rules (docs/money.md):

- an input shows the stored amount as the exact figure in 万, trailing zeros trimmed (240000 → 24,
  305000 → 30.5, 24 → 0.0024), and reads back what was typed;
- a page shows 2 places (24.00), except a non-zero amount under 0.01 万 (100 元), which is shown
  exactly, with the places it needs (24 元 → 0.0024, 90 元 → 0.009): it never reads as 0.00 nor is
  rounded up to 0.01;
- no amount (empty) reads "—"; zero reads 0.00.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .importing import CellError

WAN = 4  # 万 = 10⁴
STORED_PLACES = 2
WAN_PLACES = STORED_PLACES + WAN  # 6: every fen survives the trip
CENT = Decimal(1).scaleb(-STORED_PLACES)
EMPTY = "—"


def to_wan(stored):
    """A stored amount (yuan) in 万, exactly: Decimal("240000.00") → Decimal("24.0000")."""
    return Decimal(stored).scaleb(-WAN)


def from_wan(wan):
    """A figure in 万 as the stored amount (yuan, 2 places): Decimal("0.0024") → Decimal("24.00")."""
    return Decimal(wan).scaleb(WAN).quantize(CENT, rounding=ROUND_HALF_UP) + 0  # + 0: no -0.00


def plain(number):
    """A Decimal as a figure without exponent or trailing zeros: 24.0000 → "24", 0.00240 → "0.0024"."""
    text = format(Decimal(number).normalize(), "f")
    return "0" if text in ("-0", "0") else text


def wan_figure(stored):
    """The exact figure in 万 of a stored amount, as an input shows it: 240000 → "24"; empty → ""."""
    if stored in (None, ""):
        return ""
    return plain(to_wan(stored))


def format_wan(stored, places=2):
    """A stored amount in 万 as a page shows it: 2 places and thousands separators (19210000 →
    "1,921.00"); a non-zero amount under 0.01 万 is shown exactly (24 → "0.0024", 90 → "0.009");
    no amount → "—". Used by the ``wan`` template filter and anything else that writes an amount."""
    if stored in (None, ""):
        return EMPTY
    try:
        value = to_wan(stored)
    except (InvalidOperation, TypeError, ValueError):
        return EMPTY
    if not value.is_finite():
        return EMPTY
    step = Decimal(1).scaleb(-int(places))
    if value != 0 and abs(value) < step:
        return plain(value)  # 0.0024 and 0.009, not 0.00 or 0.01
    try:
        return f"{value.quantize(step, rounding=ROUND_HALF_UP):,.{int(places)}f}"
    except ArithmeticError:  # more digits than a Decimal holds: nothing the database stores
        return EMPTY


def parse_wan(text, *, maximum=None):
    """A figure typed in 万 → the stored amount (yuan). Raises ValueError with a sentence for the
    user. Commas (also full-width ones) and blanks are ignored; at most 6 decimal places."""
    cleaned = str(text).strip().replace(",", "").replace("，", "").replace(" ", "")
    try:
        wan = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(_("“%(value)s” is not a number.") % {"value": text}) from None
    if not wan.is_finite():
        raise ValueError(_("“%(value)s” is not a number.") % {"value": text})
    if wan.as_tuple().exponent < -WAN_PLACES:
        raise ValueError(
            _("At most %(places)d decimal places in 10k yuan (0.000001 is one fen).") % {"places": WAN_PLACES}
        )
    if maximum is not None and abs(wan) > maximum:
        raise ValueError(_("Must be at most %(n)s.") % {"n": plain(maximum)})
    try:
        return from_wan(wan)
    except ArithmeticError:  # beyond what a Decimal holds (1e999999)
        raise ValueError(_("“%(value)s” is not a number.") % {"value": text}) from None


def wan_cell(value, *, minimum=0, maximum=None):
    """A spreadsheet cell in 万 (a number or text) → the stored amount; empty → None."""
    if value is None or str(value).strip() == "":
        return None
    if isinstance(value, float):
        value = repr(value)  # 0.0024 stays 0.0024, not its binary neighbour
    try:
        stored = parse_wan(value, maximum=maximum)
    except ValueError as error:
        raise CellError(str(error)) from None
    if minimum is not None and stored < from_wan(minimum):
        raise CellError(_("Must be at least %(n)s.") % {"n": plain(minimum)})
    return stored


def _wan_cell_format(minimum=0, maximum=None):
    """The column guide's words for a 万元 column (core.importing.cell_format)."""
    if minimum is None:
        return _("Number in 10k yuan (万元), at most %(places)d decimal places") % {"places": WAN_PLACES}
    return _("Number in 10k yuan (万元), at most %(places)d decimal places, at least %(min)s") % {
        "places": WAN_PLACES,
        "min": plain(minimum),
    }


wan_cell.describe = _wan_cell_format


def export_wan(stored):
    """A stored amount as a spreadsheet cell in 万: a number (so the sheet can sum it), or None."""
    if stored in (None, ""):
        return None
    return to_wan(stored).normalize() + 0  # + 0: no exponent form (2.4E+1) in the cell


class UnitInput(forms.TextInput):
    """A text box with its unit written beside it (Bootstrap input-group)."""

    def __init__(self, attrs=None, unit=""):
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})
        self.unit = unit

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        if widget_attrs.get("id"):
            widget_attrs["aria-describedby"] = " ".join(
                filter(None, (widget_attrs.get("aria-describedby"), f"{widget_attrs['id']}-unit"))
            )
        return context

    def render(self, name, value, attrs=None, renderer=None):
        box = super().render(name, value, attrs, renderer)
        box_id = (attrs or {}).get("id") or self.attrs.get("id")
        return format_html(
            '<div class="input-group has-validation flex-nowrap unit-input">{}'
            '<span class="input-group-text"{}>{}</span></div>',
            box,
            format_html(' id="{}-unit"', box_id) if box_id else "",
            self.unit,
        )


class WanField(forms.DecimalField):
    """An amount typed in 万 (up to 6 places) and cleaned to the stored unit (2 places): 24 → 240000.00.
    ``max_digits`` and ``decimal_places`` describe the stored amount, as a model's DecimalField does
    (so ``Meta.field_classes`` can use this field); the unit (万元 by default) is written beside the box.
    The form's initial values are stored amounts; they show as their figure in 万."""

    widget = UnitInput

    def __init__(self, *, max_digits=14, decimal_places=STORED_PLACES, unit=None, **kwargs):
        # The largest figure in 万 whose stored amount still fits max_digits.
        self.wan_maximum = (Decimal(10) ** (max_digits - decimal_places) - CENT).scaleb(-WAN)
        super().__init__(max_digits=None, decimal_places=None, **kwargs)
        self.widget.unit = _("10k yuan") if unit is None else unit

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):  # already a stored amount (a form's initial)
            return value
        try:
            return parse_wan(value, maximum=self.wan_maximum)
        except ValueError as error:
            raise ValidationError(str(error), code="invalid") from None

    def prepare_value(self, value):
        if isinstance(value, (Decimal, int, float)) and not isinstance(value, bool):
            return wan_figure(Decimal(str(value)))
        return value  # what the user typed, shown back as it was


class YuanField(WanField):
    """An amount typed and shown in yuan, with 元 beside the box (a household's share, a few thousand
    yuan): what WanField does for 万元. Separators (1,500) and a trailing 元 are accepted."""

    def __init__(self, *, max_digits=14, decimal_places=STORED_PLACES, **kwargs):
        self.yuan_maximum = Decimal(10) ** (max_digits - decimal_places) - CENT
        super().__init__(max_digits=max_digits, decimal_places=decimal_places, unit=_("yuan"), **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        text = str(value).strip().replace(",", "").replace("，", "").replace(" ", "").removesuffix("元")
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise ValidationError(
                _("“%(value)s” is not a number.") % {"value": value}, code="invalid"
            ) from None
        if not amount.is_finite() or abs(amount) > self.yuan_maximum:
            raise ValidationError(_("“%(value)s” is not a number.") % {"value": value}, code="invalid")
        if amount.as_tuple().exponent < -2:
            raise ValidationError(_("At most 2 decimal places (fen)."), code="invalid")
        return amount.quantize(CENT, rounding=ROUND_HALF_UP) + 0

    def prepare_value(self, value):
        if isinstance(value, (Decimal, int)) and not isinstance(value, bool):
            return plain(Decimal(value))
        return value
