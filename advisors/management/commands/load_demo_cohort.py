from django.conf import settings
from django.core.management.base import BaseCommand
from django.urls import reverse

from advisors.demo import COHORT_SIZE, load_demo_cohort


class Command(BaseCommand):
    help = "(Re)create the synthetic demo cohort and demo advisor logins (new passwords each run)."

    def add_arguments(self, parser):
        parser.add_argument("--size", type=int, default=COHORT_SIZE)

    def handle(self, *args, size: int, **options):
        logins = load_demo_cohort(size)
        login_url = settings.SITE_URL.rstrip("/") + reverse("advisors:login")
        self.stdout.write(f"Loaded a synthetic cohort of {size} firms.")
        self.stdout.write(f"Demo advisor logins (synthetic data only) at {login_url}:")
        for username, password in logins.items():
            self.stdout.write(f"  {username} / {password}")
        self.stdout.write("  The first sign-in sets up a second factor: scan the code with any "
                          "authenticator app (or type the key it shows into one).")
