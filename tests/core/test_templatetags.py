def test_an_audit_change_reads_as_old_to_new_whatever_its_shape():
    from core.templatetags.portal import change_text

    assert change_text(["华光路", "华光路小区"]) == "华光路 → 华光路小区"
    assert change_text([None, "2026-04-09"]) == "— → 2026-04-09"
    # A child record's own changes, or a value recorded once: never split into characters.
    assert (
        change_text({"quantity": ["1.00", "2.00"], "note": ["", "加装"]})
        == "quantity: 1.00 → 2.00；note: — → 加装"
    )
    assert change_text("施工现场围挡不完整") == "施工现场围挡不完整"
    assert change_text(["楼道堆物（2026-07-01）"]) == "楼道堆物（2026-07-01）"


def test_an_audit_change_is_labelled_by_its_field_on_the_object_or_on_a_record_of_it(db):
    from django.contrib.contenttypes.models import ContentType
    from django.utils import translation

    from core.models import AuditEntry
    from core.templatetags.portal import change_label
    from projects.models import Project

    entry = AuditEntry(content_type=ContentType.objects.get_for_model(Project))
    with translation.override("en"):
        assert change_label("plan_year", entry) == "plan year"
        assert change_label("investment_to_date", entry) == "investment completed to date"
        assert change_label("items", entry) == "items"  # a reverse relation: the key as it is
        assert change_label("photos", entry) == "photos"
    assert change_label("plan_year", AuditEntry()) == "plan_year"


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
