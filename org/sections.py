"""Sections other apps add to an organisation's page. org knows none of their words: an app above
registers what it shows about an organisation from its AppConfig.ready(), and the page draws
every section the user may see."""

from dataclasses import dataclass

_SECTIONS = []


@dataclass(frozen=True)
class OrganisationSection:
    """``context(user, organisation) -> dict``, or None when the user may not see the section;
    ``template`` draws it from that dict."""

    name: str
    template: str
    context: object
    order: int = 100


def register_organisation_section(section):
    if all(known.name != section.name for known in _SECTIONS):  # a module imported twice registers once
        _SECTIONS.append(section)
    return section


def organisation_sections(user, organisation):
    """[(template, context)] of every registered section ``user`` may see, in order."""
    shown = []
    for section in sorted(_SECTIONS, key=lambda s: s.order):
        context = section.context(user, organisation)
        if context is not None:
            shown.append((section.template, context))
    return shown
