from django.conf import settings
from django.core.management.base import BaseCommand
from django.urls import reverse

from readiness.demo import DEMO_FIRMS, load_demo


class Command(BaseCommand):
    help = "(Re)create the synthetic demo firms and print a private link to one firm's results."

    def handle(self, *args, **options):
        token = load_demo()
        link = settings.SITE_URL.rstrip("/") + reverse("readiness:resume", kwargs={"token": token})
        self.stdout.write(f"Loaded {len(DEMO_FIRMS)} synthetic demo firms.")
        self.stdout.write(f"Demo results (synthetic firm): {link}")
