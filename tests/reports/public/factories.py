"""Public pages for the tests and the permission table."""

from reports.public.services import public_page_publish
from tests.factories import compound_in, project_in


def published_in(community, user, **fields):
    """The published page of a new project of ``community``, published by ``user`` (city staff)."""
    return public_page_publish(project=project_in(compound_in(community), **fields), user=user)
