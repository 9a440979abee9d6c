from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from readiness.privacy import drafts_purge


class Command(BaseCommand):
    help = ("Erase draft assessments not saved for N days (default: the "
            "READINESS_DRAFT_RETENTION_DAYS setting). Submitted assessments are never touched.")

    def add_arguments(self, parser):
        parser.add_argument("--older-than-days", type=int, default=None,
                            help="Age of the last save, in days (default: %(default)s from "
                                 "settings.DRAFT_RETENTION_DAYS).")
        parser.add_argument("--dry-run", action="store_true",
                            help="Only count the drafts that would be erased.")

    def handle(self, *args, older_than_days=None, dry_run=False, **options):
        days = settings.DRAFT_RETENTION_DAYS if older_than_days is None else older_than_days
        if days < 0:
            raise CommandError("--older-than-days must be 0 or more.")
        count = drafts_purge(older_than_days=days, dry_run=dry_run)
        verb = "Would erase" if dry_run else "Erased"
        self.stdout.write(f"{verb} {count} draft(s) not saved for {days} days.")
