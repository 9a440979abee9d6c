from django.core.management.base import BaseCommand

from programmes.selectors import programme_currency


class Command(BaseCommand):
    help = ("Say how current the programme database is: confirmed and unknown statuses and the "
            "oldest status_checked_on in force (the README's figure).")

    def handle(self, *args, **options):
        currency = programme_currency()
        if currency.programmes == 0:
            self.stdout.write("No programmes loaded; run `manage.py load_programmes` first.")
            return
        oldest = (f"{currency.oldest_check.isoformat()} ({currency.oldest_slug})"
                  if currency.oldest_check else "none")
        self.stdout.write(
            f"{currency.programmes} programmes: {currency.confirmed} statuses confirmed by a "
            f"dated source, {currency.unknown} unknown.\n"
            f"Oldest status_checked_on in force: {oldest}.\n"
            f"Confirmed statuses checked over a year before {currency.day.isoformat()}: "
            f"{currency.stale_on} (in the staff 'needs checking' queue unless closed)."
        )
