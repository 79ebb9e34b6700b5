"""How an item's quantity counts toward its national indicator.

An item is typed in its own unit (供水管网改造 in 米), while the national indicator it counts toward
is read in the indicator's unit (old pipes renewed in 公里). The factor between the two is named here
once, so every sum of indicators (the progress tables, the monthly report) converts alike.
"""

from decimal import Decimal

ONE = Decimal("1")

# Units an item may be typed in, by what they measure, with their size in the indicator's unit.
LENGTHS_IN_KM = {"米": Decimal("0.001"), "m": Decimal("0.001"), "公里": ONE, "千米": ONE, "km": ONE}
AREAS_IN_M2 = {"平方米": ONE, "m²": ONE, "m2": ONE, "㎡": ONE, "万平方米": Decimal("10000")}


def indicator_factor(indicator, unit):
    """What one ``unit`` of an item counts for in ``indicator``: 米 → 0.001 for a length in km,
    万平方米 → 10,000 for an area in m²; 1 for counts and units the indicator is read in."""
    unit = (unit or "").strip()
    if indicator.endswith("_km"):
        return LENGTHS_IN_KM.get(unit, ONE)
    if indicator.endswith("_m2"):
        return AREAS_IN_M2.get(unit, ONE)
    return ONE
