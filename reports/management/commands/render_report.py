"""`manage.py render_report ASSESSMENT_ID -o FILE.pdf`: the PDF report for scripts, advisors."""

from __future__ import annotations

import sys
import uuid
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from readiness.models import Assessment
from reports.rendering import ReportRenderError
from reports.services import report_filename, report_get_or_render, report_render


class Command(BaseCommand):
    help = (
        "Write the PDF readiness report of an assessment (numeric id or public UUID). A "
        "submitted assessment's stored report is reused while it is current."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("assessment", help="numeric id or public UUID of the assessment")
        parser.add_argument("-o", "--output", help="file to write (default: the report's "
                            "own file name in the current directory); '-' for stdout")
        parser.add_argument("--no-store", action="store_true",
                            help="render afresh and do not store the result")

    def handle(self, *args, **options) -> None:
        assessment = _find(options["assessment"])
        try:
            if options["no_store"]:
                rendered = report_render(assessment=assessment)
                content, pages, reused = rendered.content, rendered.pages, False
                filename = report_filename(assessment)
            else:
                report = report_get_or_render(assessment=assessment)
                content, pages, reused = report.content, report.pages, report.reused
                filename = report.filename
        except ReportRenderError as error:
            raise CommandError(f"{error} See the log for details.") from error
        output = options["output"] or filename
        if output == "-":
            # The PDF's bytes, for pipes; the summary line would corrupt them.
            sys.stdout.buffer.write(content)
            sys.stdout.buffer.flush()
            return
        Path(output).write_bytes(content)
        how = "stored report reused" if reused else "rendered"
        draft = " (draft: watermarked)" if assessment.is_draft else ""
        self.stdout.write(f"{output}: {pages} pages, {len(content):,} bytes, {how}{draft}")


def _find(value: str) -> Assessment:
    assessments = Assessment.objects.select_related("framework", "firm")
    try:
        if value.isdigit():
            return assessments.get(pk=int(value))
        return assessments.get(public_id=uuid.UUID(value))
    except (ValueError, Assessment.DoesNotExist):
        raise CommandError(f"No assessment with id or public id {value!r}.") from None
