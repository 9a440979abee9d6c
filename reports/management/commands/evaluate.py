import json
import sys
from pathlib import Path

import pandas as pd
from django.core.management.base import BaseCommand, CommandError

from reports.bulk import evaluate_rows
from reports.evaluate import evaluation_run
from reports.schemas import Evaluation, InputError, evaluation_body


class Command(BaseCommand):
    help = (
        "Evaluate a firm from a JSON file (or - for stdin) and print the API's JSON; or, with "
        "--csv/--xlsx, evaluate one firm a row and write a results table."
    )
    # The system checks import every URLconf and view (WeasyPrint among them: over a second);
    # evaluating reads the database and the reference data only. `manage.py check` still runs
    # them, as do the server and the deploy.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="JSON body as for POST /api/v1/evaluate, "
                            "or - for stdin")
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--csv", metavar="FILE", help="a CSV of firms, one a row")
        group.add_argument("--xlsx", metavar="FILE", help="an XLSX of firms, one a row")
        parser.add_argument("--output", "-o", metavar="FILE",
                            help="where to write the results table (.csv or .xlsx); "
                                 "default: CSV on stdout")

    def handle(self, *args, **options):
        if options["csv"] or options["xlsx"]:
            return self._bulk(options)
        if not options["file"]:
            raise CommandError("Give a JSON file, - for stdin, or --csv/--xlsx FILE.")
        text = self._read(options["file"])
        try:
            payload = json.loads(text)
        except RecursionError as error:  # F19: deeply nested input is bad input, not a crash
            raise CommandError(json.dumps(
                {"errors": {"body": ["The JSON is nested too deeply to be a firm's data."]}}
            )) from error
        except ValueError as error:
            raise CommandError(
                json.dumps({"errors": {"body": [f"Malformed JSON: {error}"]}})
            ) from error
        try:
            body = evaluation_body(payload)
        except InputError as error:
            raise CommandError(json.dumps({"errors": error.errors}, indent=2)) from error
        # Through the API's response schema, so that both print the same JSON.
        answer = Evaluation.model_validate(evaluation_run(body))
        self.stdout.write(json.dumps(answer.model_dump(mode="json", exclude_unset=True), indent=2))

    def _read(self, name: str) -> str:
        if name == "-":
            return sys.stdin.read()
        try:
            return Path(name).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {name}: {error}") from error

    def _bulk(self, options):
        path = options["csv"] or options["xlsx"]
        try:
            if options["csv"]:
                frame = pd.read_csv(path, dtype=str, keep_default_na=False)
            else:
                frame = pd.read_excel(path, dtype=str, keep_default_na=False)
        except (OSError, ValueError, UnicodeDecodeError, pd.errors.ParserError) as error:
            raise CommandError(f"Cannot read {path} as a table: {error}") from error
        results, problems = evaluate_rows(frame.to_dict(orient="records"))
        for problem in problems:
            self.stderr.write(problem)
        table = pd.DataFrame(results)
        output = options["output"]
        if output and output.lower().endswith(".xlsx"):
            table.to_excel(output, index=False)
        elif output:
            table.to_csv(output, index=False)
        else:
            self.stdout.write(table.to_csv(index=False))
        self.stderr.write(f"{len(results)} firms evaluated, {len(problems)} rows with errors")
