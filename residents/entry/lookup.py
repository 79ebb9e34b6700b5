"""A household as a clerk types it from the paper: "3-2-301" (building 3, unit 2, room 301), or
"3-301" in a building of one stairwell. Buildings are numbered "3号楼" or "3栋" and units "2单元" in
the register; the digits the clerk types stand for them."""

import re

from residents.households.selectors import households_for

SEPARATORS = re.compile(r"[\s\-－—–_/\\.．·]+")
LEADING = re.compile(r"^\d+")


def short(label):
    """The digits a clerk types for "3号楼" or "2单元" (the label itself when it has none in front)."""
    label = (label or "").strip()
    match = LEADING.match(label)
    return str(int(match.group())) if match else label


def household_code(household):
    """ "3-2-301": what a clerk types for ``household`` (its building must be read with it)."""
    parts = [short(household.building.number), short(household.unit), household.room]
    return "-".join(part for part in parts if part)


def parse_code(text):
    """(building, unit, room) typed, the unit None when not given; None when it is no code."""
    parts = [part for part in SEPARATORS.split((text or "").strip()) if part]
    if len(parts) == 3:
        return short(parts[0]), short(parts[1]), parts[2]
    if len(parts) == 2:
        return short(parts[0]), None, parts[1]
    return None


def find_household(user, compound, text):
    """The household of ``compound`` that ``text`` names among those ``user`` may change: (household,
    None), or (None, why not) when the code names none or more than one."""
    from django.utils.translation import gettext as _

    parsed = parse_code(text)
    if parsed is None:
        return None, _("Type the household as 3-2-301 (building-unit-room).")
    building, unit, room = parsed
    candidates = [
        household
        for household in households_for(user, "change").filter(compound=compound, room=room)
        if short(household.building.number) == building and (unit is None or short(household.unit) == unit)
    ]
    if len(candidates) == 1:
        return candidates[0], None
    if not candidates:
        return None, _("%(compound)s has no household %(code)s in your area.") % {
            "compound": compound.name,
            "code": text.strip(),
        }
    return None, _("%(code)s names more than one household: add the unit, as 3-2-301.") % {
        "code": text.strip()
    }
