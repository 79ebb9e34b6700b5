"""Several clerks saving the same room of a unit at the same moment (PostgreSQL, threads behind a
barrier): one household is saved, every other save is refused at the room in Chinese, and the audit
log records one creation."""

from django.core.exceptions import ValidationError
from django.utils import translation

from core.models import AuditEntry
from org.models import User
from residents.households.services import household_save
from residents.models import Household
from tests.factories import compound_in
from tests.funding.test_concurrency import at_once
from tests.residents.factories import building_in

THREADS = 6


def test_one_room_saved_six_times_at_once_is_one_household(needs_postgresql, transactional_db, world):
    compound = compound_in(world.community_a)
    building = building_in(compound, "3号楼")
    messages = []

    def saving():
        actor = User.objects.get(username="clerk_a")  # a fresh user per thread: its caches are its own
        with translation.override("zh-hans"):
            try:
                return household_save(
                    actor=actor,
                    compound=compound,
                    building=building,
                    unit="1单元",
                    room="301",
                    head_name="王建国",
                ).pk
            except ValidationError as error:
                messages.append(error.message_dict)
                raise

    outcomes = at_once([saving for _ in range(THREADS)])
    saved = [o for o in outcomes if isinstance(o, int)]
    assert len(saved) == 1 and outcomes.count("refused") == THREADS - 1, outcomes
    assert all(m == {"room": ["该单元的这个房号已有住户。"]} for m in messages), messages
    assert Household.objects.count() == 1
    assert AuditEntry.objects.filter(content_type__model="household", action="create").count() == 1
