"""Fill the database with a synthetic province, city or district of old compounds (示范省, 379900).

    python manage.py generate_synthetic --scale district|city|province --seed N [--replace]

For load tests and benchmarks: district ≈1,000 compounds, city ≈10,000, province ≈40,000, with
≈170 households and ≈5 buildings each, and projects over ≈30 % of them in every stage, with items,
progress reports and inspections, and what the apps above projects add to every project (funding's
plans, receipts and disbursements: projects.demo.synthetic_apps). The same seed gives the same data
(the projects' dates count back from today: the same projects on the same day).
"""

import random
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from org.models import Organisation, Region
from projects.demo.synthetic_apps import synthetic_modules
from projects.demo.synthetic_compounds import build_buildings, build_compounds
from projects.demo.synthetic_projects import build_projects
from projects.demo.synthetic_quotas import build_quotas
from projects.demo.synthetic_regions import (
    PROVINCE_CODE,
    PROVINCE_NAME,
    SCALES,
    build_region_tree,
    delete_synthetic_data,
    synthetic_regions,
)
from projects.models import (
    AnnualQuota,
    Building,
    Compound,
    Finding,
    Inspection,
    ProgressReport,
    Project,
    ProjectCompound,
    ProjectItem,
)


class Command(BaseCommand):
    help = (
        "Generate a synthetic province, city or district of compounds, buildings and projects for load tests."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), default="district")
        parser.add_argument(
            "--seed", type=int, default=1, help="Same seed, same data (default: %(default)s)."
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help=f"Delete the synthetic regions ({PROVINCE_CODE} {PROVINCE_NAME}) and everything under them first.",
        )

    def handle(self, *args, scale, seed, replace, **options):
        if settings.PRODUCTION:
            raise CommandError(
                "generate_synthetic refuses to run in production mode (PORTAL_ENV=production)."
            )
        started = time.perf_counter()
        rng = random.Random(seed)
        with transaction.atomic():
            if synthetic_regions().exists():
                if not replace:
                    raise CommandError(
                        f"Synthetic regions ({PROVINCE_CODE} {PROVINCE_NAME}) already exist; "
                        "pass --replace to delete them and everything under them first."
                    )
                deleted = delete_synthetic_data()
                self.stdout.write(
                    "Deleted: "
                    + ", ".join(f"{count} {what}" for what, count in deleted.items())
                    + f" in {time.perf_counter() - started:.1f} s"
                )
            building_started = time.perf_counter()
            tree = build_region_tree(scale=scale, rng=rng)
            per_community = SCALES[scale].compounds / len(tree.communities)
            compounds = build_compounds(communities=tree.communities, rng=rng, per_community=per_community)
            buildings = build_buildings(compounds=compounds, rng=rng)
            made = build_projects(tree=tree, compounds=compounds, rng=rng, today=timezone.localdate())
            made.update(build_quotas(tree=tree, rng=rng))  # each district's and city's annual quotas
            # The apps above projects add their rows to every project (funding: plans, receipts...).
            for module in synthetic_modules():
                made.update(module.build(cities=tree.cities, rng=rng, today=timezone.localdate()))
        if connection.vendor == "postgresql":
            # Fresh statistics, or the planner guesses from the empty tables until autovacuum runs.
            tables = (
                Region, Organisation, Compound, Building, Project, ProjectCompound, ProjectItem, AnnualQuota,
                ProgressReport, Inspection, Finding, *(m for module in synthetic_modules() for m in module.MODELS),
            )  # fmt: skip
            with connection.cursor() as cursor:
                cursor.execute(
                    "ANALYZE " + ", ".join(connection.ops.quote_name(m._meta.db_table) for m in tables)
                )
        households = sum(c.household_count for c in compounds)
        self.stdout.write(
            self.style.SUCCESS(
                f"Synthetic {scale} (seed {seed}): {len(tree.cities)} cities, {len(tree.districts)} districts, "
                f"{len(tree.streets)} streets, {len(tree.communities)} communities, "
                f"{len(tree.organisations)} organisations, {len(compounds)} compounds, {buildings} buildings, "
                f"{households} households; "
                + ", ".join(f"{count} {what}" for what, count in made.items())
                + f"; built in {time.perf_counter() - building_started:.1f} s, "
                f"{time.perf_counter() - started:.1f} s in all"
            )
        )
