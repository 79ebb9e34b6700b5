"""Count and store every compound's residents' support again (residents.models.CompoundSupport).

    python manage.py support_refresh [--city 370300]

The services keep the stored figures exact as they change households, answers and campaigns; run
this after loading rows past them (a restore, SQL written by hand) or once after migrating a
database that had residents before the stored support existed.
"""

import time

from django.core.management.base import BaseCommand
from django.db import transaction

from projects.models import Compound
from residents.results.support import support_refresh


class Command(BaseCommand):
    help = "Count and store every compound's residents' support again."

    def add_arguments(self, parser):
        parser.add_argument("--city", help="only the compounds of the city with this region code")

    def handle(self, *args, city=None, **options):
        started = time.perf_counter()
        with transaction.atomic():
            if city:
                ids = Compound.objects.filter(city__code=city).values_list("pk", flat=True)
                written = support_refresh(list(ids))
            else:
                written = support_refresh()
        took = time.perf_counter() - started
        self.stdout.write(f"{written} compounds' residents' support stored in {took:.1f} s")
