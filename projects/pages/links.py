"""Links from the project page to pages the apps above projects keep about a project (its money,
say). An app registers its link from its AppConfig.ready(); projects names none of them."""

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class ProjectLink:
    label: str
    url_name: str  # reversed with the project's primary key
    permission: str  # the link shows to users who hold it (the page itself checks the project's scope)
    icon: str = "bi-box-arrow-up-right"
    order: int = 100


_LINKS = []


def register_project_link(label, url_name, permission, *, icon="bi-box-arrow-up-right", order=100):
    _LINKS.append(ProjectLink(label, url_name, permission, icon, order))
    _LINKS.sort(key=lambda link: link.order)


def project_links(user, project):
    """[{label, url, icon}] of the links ``user`` may follow from ``project``'s page."""
    return [
        {"label": link.label, "url": reverse(link.url_name, args=[project.pk]), "icon": link.icon}
        for link in _LINKS
        if user.has_perm(link.permission)
    ]
