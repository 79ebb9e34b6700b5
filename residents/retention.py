"""How long a city keeps residents' personal data: the retention years of the residents' rules in
force (default five), counted from the day a household's projects all closed or a complaint was
closed (docs/privacy.md). The retention job (residents.households.jobs) applies them."""

from residents.models import ResidentPolicy
from residents.models.policy import DEFAULT_RETENTION_YEARS


def retention_years(city, policies):
    """The city's retention years, looked up once per city in ``policies`` (a cache the caller keeps)."""
    if city.pk not in policies:
        policy = ResidentPolicy.in_force(city)
        policies[city.pk] = policy.retention_years if policy else DEFAULT_RETENTION_YEARS
    return policies[city.pk]


def years_before(day, years):
    """The same day ``years`` earlier (28 February for the 29th)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)
