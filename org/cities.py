"""What an upper app does when a city is added to the region tree (approvals gives it its seed
flows), registered from the app's AppConfig.ready(): org knows no app above it."""

_LISTENERS = []


def register_city_listener(listener):
    """``listener(*, city, actor)``: runs inside the transaction that creates the city (or makes a
    region a city); raising there refuses the change."""
    if listener not in _LISTENERS:
        _LISTENERS.append(listener)
    return listener


def city_created(*, city, actor):
    for listener in _LISTENERS:
        listener(city=city, actor=actor)
