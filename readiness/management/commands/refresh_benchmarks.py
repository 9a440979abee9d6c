from django.core.management.base import BaseCommand

from readiness.services import benchmarks_refresh_all


class Command(BaseCommand):
    help = ("Recompute every sector and size band's best-in-class targets from credible "
            "submissions (the background task does it per cohort on each submit).")

    def handle(self, *args, **options):
        count = benchmarks_refresh_all()
        self.stdout.write(f"{count} benchmark cohorts refreshed.")
