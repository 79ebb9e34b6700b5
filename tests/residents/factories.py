"""Small factories of residents' records, shared by the parts' tests."""

import datetime
from itertools import count

from org.models import Region
from projects.lifecycle.rules import common_path, project_area
from projects.models import Building
from residents.models import Household, SurveyCampaign
from tests.factories import compound_in

_rooms = count(101)


def building_in(compound, number="1号楼", **fields):
    building, _created = Building.objects.get_or_create(
        compound=compound, number=number, defaults={"storeys": 6, "units": 2, **fields}
    )
    return building


def household_in(compound=None, *, community=None, building=None, **fields):
    """A household of ``compound`` (or of a new compound of ``community``), in a room of its own."""
    compound = compound or compound_in(community)
    building = building or building_in(compound)
    defaults = {
        "unit": "1单元",
        "room": str(next(_rooms)),
        "head_name": "王建国",
        "phone": "13812341234",
        "size": 3,
    }
    return Household.objects.create(compound=compound, building=building, **{**defaults, **fields})


def area_of(compounds):
    """The smallest region holding ``compounds``, no finer than a street (as a project's area)."""
    path = common_path([compound.community.path for compound in compounds])
    return project_area(Region.objects.select_related("parent").get(path=path))


def campaign_for(*compounds, kind=SurveyCampaign.Kind.NEEDS, opens_on=None, closes_on=None, **fields):
    """A campaign over ``compounds``, open from 30 days ago to 30 days ahead unless told."""
    today = datetime.date.today()
    campaign = SurveyCampaign.objects.create(
        kind=kind,
        title=fields.pop("title", "意愿调查"),
        region=fields.pop("region", None) or area_of(compounds),
        opens_on=opens_on or today - datetime.timedelta(days=30),
        closes_on=closes_on or today + datetime.timedelta(days=30),
        **fields,
    )
    campaign.compounds.set(compounds)
    return campaign
