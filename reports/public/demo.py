"""The demo's public pages: the project whose 改造公示 the demo issues (in review, in
district_staff's district), so the notice prints its QR code, and a project under construction with
progress photos. Published by city_admin through the service; publishing twice changes nothing."""

from django.db.models import Exists, OuterRef

from org.models import User
from projects.models import Attachment, Project

from .services import public_page_publish


def demo_projects():
    projects = Project.objects.select_related("region")
    chosen = []
    district = User.objects.filter(username="district_staff").select_related("organisation__region").first()
    if district is not None and district.organisation_id:
        path = district.organisation.region.path
        reviewed = projects.filter(stage=Project.Stage.REVIEW, region__path__startswith=path).first()
        if reviewed is not None:
            chosen.append(reviewed)
    photos = Attachment.objects.filter(project=OuterRef("pk"), kind=Attachment.Kind.PHOTO)
    building = (
        projects.filter(stage=Project.Stage.CONSTRUCTION)
        .filter(Exists(photos))
        .order_by("region__path", "name", "pk")
        .first()
    )
    if building is not None:
        chosen.append(building)
    return chosen


def seed(context):
    admin = User.objects.filter(username="city_admin").first()
    if admin is None:
        return
    for project in demo_projects():
        page = public_page_publish(project=project, user=admin)
        context.stdout.write(f"公示页 {project.name}: {page.get_public_url()}")
