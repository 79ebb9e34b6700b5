"""Permission rows of the public project pages (see tests/reports/permissions/__init__.py).

The public page, its QR code and its photos answer everybody, anonymous visitors included (200):
the unguessable address is the only key. The management page is read by whoever works on the
project (a clerk of another street: 404), leaders and auditors; reviewers and the system
administrator have no business with it (403). City staff alone publish and withdraw (an empty form
publishes with the default hotline, or withdraws, and goes back to the page: 302).

The table reverses a URL with its object's ``pk``: the public URLs take a token or a signed photo
key, so their makers return a stand-in whose ``pk`` is that."""

from types import SimpleNamespace

from reports.public.selectors import photo_key
from tests.factories import attachment_in, compound_in, project_in
from tests.reports.public.factories import published_in

# Persona order:   anon  clerk_a clerk_b district city finance leader auditor sysadmin
EVERYBODY = (200, 200, 200, 200, 200, 200, 200, 200, 200)
READERS_OF_A = (302, 200, 404, 200, 200, 403, 200, 200, 403)
CITY_STAFF = (302, 403, 403, 403, 302, 403, 403, 403, 403)

ROWS = {
    ("reports:public_page", "public_page_token", "get"): EVERYBODY,
    ("reports:public_page_qr", "public_page_token", "get"): EVERYBODY,
    ("reports:public_photo", "public_photo_key", "get"): EVERYBODY,
    ("reports:public_page_manage", "public_project_a", "get"): READERS_OF_A,
    ("reports:public_page_publish", "public_project_a", "post"): CITY_STAFF,
    ("reports:public_page_withdraw", "public_project_a", "post"): CITY_STAFF,
}


def objects(world):
    from projects.demo.records import png

    def token():
        return SimpleNamespace(pk=published_in(world.community_a, world["city"]).token)

    def photo():
        page = published_in(world.community_a, world["city"])
        shot = attachment_in(page.project, world["clerk_a"], kind="photo", name="现场.png", content=png())
        return SimpleNamespace(pk=photo_key(page, shot.pk))

    return {
        "public_page_token": token,
        "public_photo_key": photo,
        "public_project_a": lambda: project_in(compound_in(world.community_a)),
    }
