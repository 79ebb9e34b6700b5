"""Telling the apps above projects which compounds were created or changed, so what they keep for
each compound follows it: the compound services, the compound importer's commit, the demo city's
and the synthetic province's compounds call ``compounds_changed`` with the compounds they wrote,
inside their transaction. An app registers its listener from its AppConfig.ready() (or the module
it imports there); projects names none of them."""

_LISTENERS = []


def register_compounds_listener(listener):
    """``listener(compound_ids)`` runs after compounds were created or changed, inside the
    transaction that wrote them (ids or Compound rows)."""
    if listener not in _LISTENERS:
        _LISTENERS.append(listener)
    return listener


def compounds_changed(compound_ids):
    compound_ids = list(compound_ids)
    if not compound_ids:
        return
    for listener in _LISTENERS:
        listener(compound_ids)
