from django.core.management.base import BaseCommand, CommandError

from programmes.services import FIXTURE_DIR, fixture_paths, programmes_load, read_fixture


class Command(BaseCommand):
    help = "Load (or refresh) the programme database from fixtures/programmes/*.json."

    def handle(self, *args, **options):
        paths = fixture_paths()
        if not paths:
            raise CommandError(f"No programme fixtures in {FIXTURE_DIR}")
        for path in paths:
            report = programmes_load(data=read_fixture(path))
            if not report.ok:
                problems = "\n".join(f"  entry {e.line}, {e.field}: {e.message}"
                                     for e in report.errors)
                raise CommandError(f"{path.name} is not valid; nothing was loaded from it:\n"
                                   f"{problems}")
            self.stdout.write(
                f"{path.name}: {len(report.created)} programmes added, "
                f"{len(report.updated)} refreshed"
            )
