"""Small factories. The region tree is the demo fixture's, so tests and the demo agree."""

from django.contrib.auth.models import Group

from org.demo import build_regions, load_fixture
from org.models import Organisation, Region, User
from org.roles import AUDITOR, CITY_STAFF, DEPT_REVIEWER, DISTRICT_STAFF, LEADER, STREET_CLERK, SYSADMIN

PASSWORD = "Test#Pass2026"


def make_user(username, organisation, *roles, is_staff=False, **fields):
    user = User.objects.create_user(
        username=username, password=PASSWORD, organisation=organisation, is_staff=is_staff, **fields
    )
    user.groups.set(Group.objects.filter(name__in=roles))
    return user


def region(name, parent=None):
    queryset = Region.objects.filter(name=name)
    if parent is not None:
        queryset = queryset.filter(parent=parent)
    return queryset.get()


def build_world():
    from tests.conftest import World

    city = build_regions(load_fixture())
    district_a = region("张店区")
    street_a = region("车站街道", district_a)
    street_b = region("公园街道", district_a)

    def org(name):
        return Organisation.objects.get(name=name)

    personas = {
        "anonymous": None,
        "clerk_a": make_user(
            "clerk_a", org("张店区车站街道办事处"), STREET_CLERK, last_name="张", first_name="丽"
        ),
        "clerk_b": make_user("clerk_b", org("张店区公园街道办事处"), STREET_CLERK),
        "district": make_user("district", org("张店区住房和城乡建设局"), DISTRICT_STAFF),
        "city": make_user("city", org("淄博市住房和城乡建设局"), CITY_STAFF),
        "finance": make_user("finance", org("淄博市财政局"), DEPT_REVIEWER),
        "leader": make_user("leader", org("淄博市城镇老旧小区改造工作领导小组"), LEADER),
        "auditor": make_user("auditor", org("淄博市审计局"), AUDITOR),
        "sysadmin": make_user("sysadmin", org("淄博市住房和城乡建设局"), SYSADMIN, is_staff=True),
    }
    return World(
        city=city,
        district_a=district_a,
        district_b=region("淄川区"),
        street_a=street_a,
        street_b=street_b,
        community_a=region("华光路社区", street_a),
        community_b=region("公园社区", street_b),
        personas=personas,
    )
