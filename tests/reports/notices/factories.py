"""Notices for the shared tables (permissions, junk sweep, pages): issuers of the demo city, and a
notice of a street A project with its PDF stored."""

import datetime

from django.core.files.base import ContentFile

from org.models import Organisation
from projects.models import Project
from reports.models import NoticeIssuer
from tests.factories import compound_in, project_in

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ISSUERS = (
    ("淄博市住房和城乡建设局", "淄建", "淄博市住房和城乡建设局文件"),
    ("淄博市财政局", "淄财", "淄博市财政局文件"),
    ("张店区住房和城乡建设局", "张建", "张店区住房和城乡建设局文件"),
)


def notice_issuers():
    """{abbreviation: issuer} of the demo city's bureaus, made once."""
    found = {}
    for organisation, abbreviation, header in ISSUERS:
        found[abbreviation], _created = NoticeIssuer.objects.get_or_create(
            abbreviation=abbreviation,
            defaults={
                "organisation": Organisation.objects.get(name=organisation), "header": header,
                "signature": organisation,
            },
        )  # fmt: skip
    return found


def construction_in(community, **fields):
    """A project of ``community`` under construction, ready for a 施工告知书."""
    return project_in(
        compound_in(community), stage="construction", contractor="淄博建工集团有限公司", **fields
    )


def approved_in(community):
    project = construction_in(community)
    Project.objects.filter(pk=project.pk).update(
        approved_on=datetime.date(2026, 3, 15), approval_body="淄博市住房和城乡建设局", approval_number="淄建发〔2026〕7号"
    )  # fmt: skip
    project.refresh_from_db()
    return project


def notice_in(community, user, *, rendered=True, kind="construction", issuer="淄建"):
    """A notice about a project of ``community``, issued by ``user`` (city staff), its PDF stored."""
    from reports.notices.services import notice_issue

    notice = notice_issue(
        kind=kind, subject=construction_in(community), issuer=notice_issuers()[issuer], user=user,
        issued_on=datetime.date(2026, 11, 29), render=False,
    )  # fmt: skip
    if rendered:
        notice.file.save("notice.pdf", ContentFile(PDF_BYTES), save=False)
        notice.rendered_at = notice.created_at
        notice.save(update_fields=["file", "rendered_at"])
    return notice
