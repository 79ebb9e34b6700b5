def lines_of(model, changes):
    """An entry's changes as the history shows them, in English."""
    from django.contrib.contenttypes.models import ContentType
    from django.utils import translation

    from core.changes import change_lines
    from core.models import AuditEntry

    content_type = ContentType.objects.get_for_model(model) if model is not None else None
    entry = AuditEntry(content_type=content_type, action="update", changes=changes)
    with translation.override("en"):
        return [(str(line.label), line.text) for line in change_lines(entry)]


def test_an_audit_change_reads_as_old_to_new_whatever_its_shape(db):
    from projects.models import Project

    assert lines_of(Project, {"name": ["华光路", "华光路小区"]}) == [("project name", "华光路 → 华光路小区")]
    assert lines_of(Project, {"declared_on": [None, "2026-04-09"]}) == [("declared on", "— → 2026-04-09")]
    # A child record's own changes, or a value recorded once: never split into characters.
    assert lines_of(Project, {"供水管网改造": {"quantity": ["1.00", "2.00"], "note": ["", "加装"]}}) == [
        ("供水管网改造", "quantity：1.00 → 2.00；note：— → 加装")
    ]
    assert lines_of(None, {"finding": "施工现场围挡不完整"}) == [("finding", "施工现场围挡不完整")]
    assert lines_of(Project, {"findings": ["楼道堆物（2026-07-01）"]}) == [
        ("findings", "楼道堆物（2026-07-01）")
    ]


def test_an_audit_change_is_labelled_by_its_field_on_the_object_or_on_a_record_of_it(db):
    from projects.models import Project

    assert lines_of(Project, {"plan_year": 2026}) == [("plan year", "2026")]
    assert lines_of(Project, {"investment_to_date": "240000.00"}) == [
        ("investment completed to date", "24.00 10k yuan")
    ]
    assert lines_of(Project, {"photos": 2}) == [("photos", "2 photos")]
    assert lines_of(None, {"plan_year": 2026}) == [("plan_year", "2026")]  # no model: the key as it is


def test_the_browser_tab_reads_page_dot_portal(client, db):
    from django.utils import translation

    from core.templatetags.portal import tab_title

    with translation.override("zh-hans"):
        assert tab_title("首页") == "首页 · 城镇老旧小区改造管理平台"
        assert tab_title("  \n ") == "城镇老旧小区改造管理平台"
    html = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "<title>登录 · 城镇老旧小区改造管理平台</title>" in html


def test_a_field_keeps_the_classes_its_form_gave_it_beside_bootstraps():
    from django import forms

    from core.templatetags.portal import bootstrap

    class AmountForm(forms.Form):
        amount = forms.DecimalField(widget=forms.NumberInput(attrs={"class": "text-end"}))

    html = str(bootstrap(AmountForm()["amount"]))
    assert 'class="form-control text-end"' in html
    html = str(bootstrap(AmountForm({"amount": "x"})["amount"]))
    assert 'class="form-control text-end is-invalid"' in html
