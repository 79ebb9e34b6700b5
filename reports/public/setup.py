"""What the public pages register from reports' AppConfig.ready(): the roles' rights and the project
page's link. No menu entry: the public pages are listed nowhere.

City staff publish and withdraw (the city bureau speaks to residents); whoever works on the project
(street clerks post the QR code on the compound's board, district staff), leaders and auditors see
whether it is published, its address and its QR code."""

from django.utils.translation import gettext_lazy as _

READ = ("reports.view_projectpublicpage",)
PUBLISH = ("reports.publish_projectpublicpage",)


def register():
    from org.roles import AUDITOR, CITY_STAFF, DISTRICT_STAFF, LEADER, STREET_CLERK, grant
    from projects.pages.links import register_project_link

    for role in (CITY_STAFF, DISTRICT_STAFF, STREET_CLERK, LEADER, AUDITOR):
        grant(role, *READ)
    grant(CITY_STAFF, *PUBLISH)
    register_project_link(
        _("Public page"), "reports:public_page_manage", READ[0], icon="bi-qr-code", order=45
    )
