"""An item's quantity counts toward its national indicator in the indicator's unit."""

from decimal import Decimal

import pytest

from projects.catalogue.indicators import indicator_factor


@pytest.mark.parametrize(
    ("indicator", "unit", "factor"),
    [
        ("pipelines_water_km", "米", "0.001"),
        ("pipelines_gas_km", "m", "0.001"),
        ("pipelines_heating_km", "公里", "1"),
        ("energy_saving_m2", "平方米", "1"),
        ("energy_saving_m2", "万平方米", "10000"),
        ("lifts", "部", "1"),
        ("accessibility", "处", "1"),
    ],
)
def test_an_items_unit_converts_to_its_indicators(indicator, unit, factor):
    assert indicator_factor(indicator, unit) == Decimal(factor)


def test_every_catalogue_item_with_a_length_or_area_indicator_is_typed_in_a_known_unit():
    import json

    from django.conf import settings

    from projects.catalogue.indicators import AREAS_IN_M2, LENGTHS_IN_KM

    items = json.loads((settings.BASE_DIR / "fixtures" / "renovation_items.json").read_text())["items"]
    for item in items:
        code = item.get("indicator") or ""
        if code.endswith("_km"):
            assert item["unit"] in LENGTHS_IN_KM, item["code"]
        if code.endswith("_m2"):
            assert item["unit"] in AREAS_IN_M2, item["code"]
