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


def test_region_tree_runs_the_same_queries_for_1_and_20_communities(world, client_for):
    assert_list_queries_constant(client_for("city"), "/org/regions/", _add_communities(world.street_a, "树"))


def test_region_list_reads_as_a_tree_of_the_users_area(world, client_for):
    _add_communities(world.street_a, "树")(2)
    response = client_for("city").get("/org/regions/")
    assert response.templates[0].name == "org/region_tree.html"
    rows = {row.region.name: row for row in response.context["tree"]}
    assert rows["淄博市"].depth == 0 and rows["淄博市"].open
    assert rows[world.street_a.name].depth == 2 and not rows[world.street_a.name].open
    assert rows["树1社区"].depth == 3 and rows["树1社区"].children == 0
    body = response.content.decode()
    # Nested, collapsible, and every <details> it opens is closed again.
    assert body.count("<details") == body.count("</details>") > 0
    assert body.index("淄博市") < body.index(world.street_a.name) < body.index("树1社区")
    assert "paginator" not in response.context or response.context["paginator"] is None


def test_a_clerks_region_tree_starts_at_her_street(world, client_for):
    response = client_for("clerk_a").get("/org/regions/")
    tree = response.context["tree"]
    assert tree[0].region == world.street_a and tree[0].depth == 0
    assert {row.region.parent_id for row in tree[1:]} == {world.street_a.pk}
    assert world.street_b.name not in response.content.decode()


def test_a_search_of_regions_lists_what_matches(world, client_for):
    response = client_for("city").get("/org/regions/", {"name": "街道"})
    assert "tree" not in response.context
    assert all("街道" in region.name for region in response.context["object_list"])


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


def _organisation(name):
    return Organisation.objects.get(name=name)


def test_organisation_page_lists_its_users_with_their_roles_for_the_system_administrator(world, client_for):
    office = _organisation("张店区车站街道办事处")
    response = client_for("sysadmin").get(office.get_absolute_url())
    body = response.content.decode()
    assert "张丽" in body and "clerk_a" in body and "街道办事员" in body


def test_organisation_page_shows_no_users_to_a_role_that_may_not_see_users(world, client_for):
    office = _organisation("张店区车站街道办事处")
    response = client_for("city").get(office.get_absolute_url())
    assert response.status_code == 200
    assert "members" not in response.context and "clerk_a" not in response.content.decode()


def test_organisation_page_lists_the_projects_in_its_area_and_those_it_implements(world, client_for):
    from tests.factories import compound_in, project_in

    in_street = project_in(compound_in(world.community_a), name="华光路小区改造")
    elsewhere = project_in(compound_in(world.community_b), name="公园社区改造")
    implemented = project_in(
        compound_in(world.community_b), name="公园街道代建项目", implementing_entity="张店区车站街道办事处"
    )
    office = _organisation("张店区车站街道办事处")
    names = {
        p.name
        for p in client_for("city").get(office.get_absolute_url()).context["sections"][0][1]["projects"]
    }
    assert names == {in_street.name, implemented.name}
    assert elsewhere.name not in names
    # A clerk of the street sees only what her scope lets her see.
    clerk_sees = client_for("clerk_a").get(office.get_absolute_url()).context["sections"][0][1]["projects"]
    assert {p.name for p in clerk_sees} == {in_street.name}


def test_organisation_page_runs_the_same_queries_for_1_and_20_projects(world, client_for):
    from tests.factories import compound_in, project_in
    from tests.helpers import queries_of

    office = _organisation("张店区住房和城乡建设局")
    client = client_for("sysadmin")
    url = office.get_absolute_url()
    queries_of(client, url)
    project_in(compound_in(world.community_a))
    one = queries_of(client, url)
    for _ in range(19):
        project_in(compound_in(world.community_b))
    assert queries_of(client, url) == one
