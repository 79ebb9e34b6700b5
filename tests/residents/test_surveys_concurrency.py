"""One household's answer saved by several requests at the same moment (PostgreSQL, threads behind a
barrier): a grid row retried while its first save is still running saves one answer, and two clerks
typing the same household's questionnaire save one answer and refuse the other in Chinese."""

import datetime
import threading
import uuid

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import translation

from org.models import User
from residents.models import SurveyResponse
from residents.surveys.services import response_save
from tests.residents.factories import campaign_for, household_in

THREADS = 8


def at_once(calls):
    """Run ``calls`` in threads released together: what each returned, the messages of a
    ValidationError, or the repr of any other error."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            with translation.override("zh-hans"):
                outcomes[index] = call()
        except ValidationError as error:
            outcomes[index] = error.messages
        except Exception as error:
            outcomes[index] = repr(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def saving(world, campaign, household, entry_key=None, agrees="yes"):
    def call():
        actor = User.objects.get(pk=world["clerk_a"].pk)
        values = {"origin": "paper", "answered_on": datetime.date.today(), "agrees": agrees}
        response = response_save(
            actor=actor, campaign=campaign, household=household, values=values, entry_key=entry_key
        )
        return response.pk

    return call


def test_a_row_sent_many_times_at_once_saves_one_answer(needs_postgresql, transactional_db, world):
    household = household_in(community=world.community_a)
    campaign = campaign_for(household.compound)
    key = uuid.uuid4()
    outcomes = at_once([saving(world, campaign, household, key) for _n in range(THREADS)])
    answer = SurveyResponse.objects.get()
    assert outcomes == [answer.pk] * THREADS
    assert answer.entry_key == key


def test_two_rows_of_one_household_at_once_save_one_answer(needs_postgresql, transactional_db, world):
    household = household_in(community=world.community_a)
    campaign = campaign_for(household.compound)
    outcomes = at_once(
        [
            saving(world, campaign, household, uuid.uuid4(), agrees)
            for agrees in ("yes", "no") * (THREADS // 2)
        ]
    )
    answer = SurveyResponse.objects.get()
    assert outcomes.count(answer.pk) == 1
    assert all(outcome == ["该住户已参加过本次调查。"] for outcome in outcomes if outcome != answer.pk), (
        outcomes
    )
