"""Region and organisation pages: scoped lists without N+1, forms with Chinese messages."""

from org.models import Organisation, Region
from tests.helpers import assert_list_queries_constant


def _add_communities(street, prefix):
    counter = {"n": 0}

    def add(n):
        for _ in range(n):
            counter["n"] += 1
            code = f"{street.code}{800 + counter['n']:03d}"
            Region.objects.create(
                code=code,
                name=f"{prefix}{counter['n']}社区",
                level=Region.Level.COMMUNITY,
                parent=street,
                path=f"{street.path}{code}/",
            )

    return add


def test_region_list_runs_the_same_queries_for_1_and_20_rows(world, client_for):
    assert_list_queries_constant(
        client_for("clerk_a"), "/org/regions/", _add_communities(world.street_a, "测试"), name="测试"
    )


def test_organisation_list_runs_the_same_queries_for_1_and_20_rows(world, client_for):
    def add(n):
        for i in range(n):
            Organisation.objects.create(
                name=f"测试单位{Organisation.objects.count()}{i}", kind="other", region=world.community_a
            )

    assert_list_queries_constant(client_for("district"), "/org/organisations/", add, name="测试单位")


def test_region_list_filters_and_sorts(world, client_for):
    response = client_for("city").get("/org/regions/", {"level": Region.Level.DISTRICT, "sort": "-code"})
    codes = [r.code for r in response.context["object_list"]]
    assert codes == sorted(codes, reverse=True)
    assert len(codes) == 8


def test_city_staff_adds_a_community_through_the_form(world, client_for):
    client = client_for("city")
    response = client.post(
        "/org/regions/add/",
        {
            "parent": world.street_a.pk,
            "level": Region.Level.COMMUNITY,
            "code": "370303001020",
            "name": "新华社区",
        },
    )
    region = Region.objects.get(code="370303001020")
    assert response.status_code == 302 and response["Location"] == region.get_absolute_url()
    assert region.path.startswith(world.street_a.path)


def test_form_names_the_field_in_chinese_when_the_level_is_wrong(world, client_for):
    response = client_for("city").post(
        "/org/regions/add/",
        {"parent": world.district_a.pk, "level": Region.Level.COMMUNITY, "code": "370303999", "name": "错层"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "level" in errors
    assert errors["level"][0] == "区县下只能设立下一层级的区划。"
    assert not Region.objects.filter(code="370303999").exists()


def test_form_offers_only_parents_in_the_users_scope(world, client_for):
    from guardian.shortcuts import assign_perm

    district_user = world["district"]
    assign_perm("org.add_region", district_user)
    form = client_for("district").get("/org/regions/add/").context["form"]
    parents = form.fields["parent"].queryset
    assert parents.filter(pk=world.street_a.pk).exists()
    assert not parents.filter(pk=world.district_b.pk).exists()


def test_deleting_a_street_with_communities_is_refused_with_a_reason(world, client_for):
    client = client_for("city")
    response = client.post(f"/org/regions/{world.street_a.pk}/delete/", follow=True)
    assert Region.objects.filter(pk=world.street_a.pk).exists()
    text = response.content.decode()
    assert "未删除" in text or "not deleted" in text


def test_region_page_shows_its_history(world, client_for):
    client = client_for("sysadmin")
    client.post(
        f"/org/regions/{world.community_a.pk}/edit/",
        {
            "parent": world.street_a.pk,
            "level": Region.Level.COMMUNITY,
            "code": world.community_a.code,
            "name": "华光社区",
        },
    )
    page = client.get(world.community_a.get_absolute_url())
    history = list(page.context["history"])
    assert history[0].changes == {"name": ["华光路社区", "华光社区"]}
