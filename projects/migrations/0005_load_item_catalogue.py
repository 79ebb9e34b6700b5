"""Every deployment starts with the standard catalogue (fixtures/renovation_items.json)."""

from django.db import migrations


def load(apps, schema_editor):
    from projects.catalogue import catalogue_load

    catalogue_load(apps.get_model("projects", "ItemCategory"), apps.get_model("projects", "RenovationItem"))


class Migration(migrations.Migration):
    dependencies = [("projects", "0004_renovation_item_catalogue")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
