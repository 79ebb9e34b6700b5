"""Compounds registered before residents' support was stored get their row: the compound list sorted
by support joins the stored rows only (projects.registry.columns ``sorted``). Residents' records are
new with this release, so such a compound has no household and no answer yet: no campaign, its
households from the register, no rates, passing nothing — what support_refresh would write."""

from django.db import migrations
from django.utils import timezone

BATCH = 5000


def store_missing(apps, schema_editor):
    Compound = apps.get_model("projects", "Compound")
    CompoundSupport = apps.get_model("residents", "CompoundSupport")
    now = timezone.now()
    missing = Compound.objects.filter(residents_support__isnull=True).values_list("pk", "household_count")
    rows = [
        CompoundSupport(compound_id=pk, households=households, refreshed_at=now)
        for pk, households in missing.iterator(chunk_size=BATCH)
    ]
    CompoundSupport.objects.bulk_create(rows, batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [("residents", "0006_compound_support_ranked_by_index")]

    operations = [migrations.RunPython(store_missing, migrations.RunPython.noop)]
