"""Links from a compound's page to pages the apps above projects keep about a compound (its
households, say). An app registers its link from its AppConfig.ready(); projects names none of them."""

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class CompoundLink:
    label: str
    url_name: str  # reversed with the compound's primary key
    permission: str  # the link shows to users who hold it (the page itself checks the compound's scope)
    icon: str = "bi-box-arrow-up-right"
    order: int = 100


_LINKS = []


def register_compound_link(label, url_name, permission, *, icon="bi-box-arrow-up-right", order=100):
    _LINKS.append(CompoundLink(label, url_name, permission, icon, order))
    _LINKS.sort(key=lambda link: link.order)


def compound_links(user, compound):
    """[{label, url, icon}] of the links ``user`` may follow from ``compound``'s page."""
    return [
        {"label": link.label, "url": reverse(link.url_name, args=[compound.pk]), "icon": link.icon}
        for link in _LINKS
        if user.has_perm(link.permission)
    ]
