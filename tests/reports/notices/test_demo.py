"""The demo's register: a notice of each kind with its PDF, one voided, issued once."""

import datetime

from projects.models import Project
from reports.models import Notice
from reports.notices.demo import seed_notices
from tests.factories import compound_in, project_in


def test_the_demo_issues_a_notice_of_each_kind_and_voids_one_once(
    world, approved, accepted, payment, monkeypatch
):
    from reports.notices import rendering

    monkeypatch.setattr(rendering, "notice_pdf", lambda notice: b"%PDF-1.7 " + notice.number.encode())
    project_in(compound_in(world.community_a), stage=Project.Stage.REVIEW)
    project_in(compound_in(world.community_b), stage=Project.Stage.PROCUREMENT)
    issued = seed_notices(admin=world["city"], district=world["district"])
    assert sorted(n.kind for n in issued) == [
        "acceptance", "approval", "construction", "construction", "disbursement", "publicity",
    ]  # fmt: skip
    assert all(n.is_rendered for n in Notice.objects.all())
    voided = Notice.objects.get(status="voided")
    assert voided.issuer.abbreviation == "淄建" and voided.void_reason
    numbers = dict(
        Notice.objects.filter(kind="construction", status="issued").values_list("number", "issued_on")
    )
    assert list(numbers) == ["张建〔2026〕1号"] and numbers["张建〔2026〕1号"] <= datetime.date.today()
    assert seed_notices(admin=world["city"], district=world["district"]) == []
    assert Notice.objects.count() == 6
