"""The demo city's regions, organisations and accounts (淄博, from fixtures/demo_zibo.json).

Division codes of the city, districts and counties are the real ones; street and community codes
follow the statistical pattern (9 and 12 digits) but are numbered here, not looked up.
"""

import json

from django.conf import settings
from django.contrib.auth.models import Group

from .models import Organisation, Region, User
from .roles import role_label


def load_fixture():
    return json.loads((settings.BASE_DIR / "fixtures" / "demo_zibo.json").read_text(encoding="utf-8"))


def ensure_region(*, code, name, level, parent=None):
    region, _created = Region.objects.get_or_create(
        code=code,
        defaults={
            "name": name,
            "level": level,
            "parent": parent,
            "path": f"{parent.path if parent else ''}{code}/",
        },
    )
    return region


def ensure_organisation(*, name, kind, region, short_name=""):
    organisation, _created = Organisation.objects.update_or_create(
        region=region, name=name, defaults={"kind": kind, "short_name": short_name}
    )
    return organisation


def street_office_name(district, street):
    suffix = "人民政府" if street.endswith("镇") else "办事处"
    return f"{district}{street}{suffix}"


def build_regions(data):
    """The region tree and its organisations; returns the city region."""
    province = ensure_region(level=Region.Level.PROVINCE, **data["province"])
    city = ensure_region(level=Region.Level.CITY, parent=province, **data["city"])
    for org in data["city_organisations"]:
        ensure_organisation(region=city, **org)
    for district_data in data["districts"]:
        district = ensure_region(
            code=district_data["code"], name=district_data["name"], level=Region.Level.DISTRICT, parent=city
        )
        ensure_organisation(
            name=f"{district.name}住房和城乡建设局",
            kind=Organisation.Kind.DISTRICT_BUREAU,
            region=district,
            short_name=f"{district.name[:2]}建",
        )
        for s_index, street_data in enumerate(district_data["streets"], start=1):
            street = ensure_region(
                code=f"{district.code}{s_index:03d}",
                name=street_data["name"],
                level=Region.Level.STREET,
                parent=district,
            )
            ensure_organisation(
                name=street_office_name(district.name, street.name),
                kind=Organisation.Kind.STREET_OFFICE,
                region=street,
            )
            for c_index, community in enumerate(street_data["communities"], start=1):
                ensure_region(
                    code=f"{street.code}{c_index:03d}",
                    name=community,
                    level=Region.Level.COMMUNITY,
                    parent=street,
                )
    return city


def build_accounts(data, password):
    logins = []
    for account in data["accounts"]:
        organisation = Organisation.objects.get(name=account["organisation"])
        user, _created = User.objects.get_or_create(username=account["username"])
        user.last_name, user.first_name = account["last_name"], account["first_name"]
        user.organisation = organisation
        user.is_staff = account.get("staff", False)
        user.is_active = True
        # Demo accounts always answer to the printed password, even after someone changed it.
        user.set_password(password)
        user.save()
        user.groups.set(Group.objects.filter(name__in=account["roles"]))
        labels = "、".join(str(role_label(code)) for code in account["roles"])
        logins.append((user.username, labels, organisation.name))
    return logins


def seed(context):
    from axes.utils import reset

    data = load_fixture()
    city = build_regions(data)
    context.logins.extend(build_accounts(data, context.password))
    for account in data["accounts"]:
        reset(username=account["username"])
    context.shared["city"] = city
