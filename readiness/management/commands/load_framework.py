import json
import re

from django.core.management.base import BaseCommand, CommandError

from readiness.framework import FIXTURE_DIR, parse_framework
from readiness.services import framework_load


class Command(BaseCommand):
    help = "Load (or refresh) every framework version from fixtures/framework/ into the database."

    def handle(self, *args, **options):
        # v<N>.json only: v<N>.<language>.json beside it are its translations (docs/i18n.md).
        paths = sorted(p for p in FIXTURE_DIR.glob("v*.json") if re.fullmatch(r"v\d+\.json", p.name))
        if not paths:
            raise CommandError(f"No framework fixtures in {FIXTURE_DIR}")
        for path in paths:
            definition = json.loads(path.read_text(encoding="utf-8"))
            spec = parse_framework(definition)  # refuses a malformed fixture before writing
            version, created = framework_load(definition=definition)
            verb = "Loaded" if created else "Refreshed"
            self.stdout.write(f"{verb} framework v{version.version} ({len(spec.dimensions)} dimensions)")
