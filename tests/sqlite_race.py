"""Two requests' transactions racing on the SQLite default, run in a process of its own
(`manage.py shell`) against a database file, so that it uses the project's real settings.

Transaction A reads, then writes; B writes while A is between the two. This is what a firm's
submit and the task worker's poll do to each other. Printed: one JSON line with each side's
error (or null), the journal mode and the rows written.
"""

from __future__ import annotations

import json
import threading

from django.db import OperationalError, connection, transaction


def race(*, deferred: bool = False, pause: float = 0.5) -> None:
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS race_rows (who TEXT)")
        cursor.execute("PRAGMA journal_mode")
        journal_mode = cursor.fetchone()[0]
    a_has_read = threading.Event()
    errors: dict[str, str | None] = {"a": None, "b": None}

    def use_mode() -> None:
        # Each thread has its own connection; `deferred` undoes the project's IMMEDIATE, the
        # control that shows what the setting prevents.
        connection.ensure_connection()
        if deferred:
            connection.transaction_mode = None

    def side_a() -> None:
        use_mode()
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM race_rows")
                a_has_read.set()
                threading.Event().wait(pause)  # B tries to write meanwhile
                cursor.execute("INSERT INTO race_rows VALUES ('a')")
        except OperationalError as error:
            errors["a"] = str(error)
        finally:
            a_has_read.set()
            connection.close()

    def side_b() -> None:
        use_mode()
        a_has_read.wait(10)
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("INSERT INTO race_rows VALUES ('b')")
        except OperationalError as error:
            errors["b"] = str(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=side_a), threading.Thread(target=side_b)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    with connection.cursor() as cursor:
        cursor.execute("SELECT who FROM race_rows ORDER BY rowid")
        rows = [who for (who,) in cursor.fetchall()]
        cursor.execute("DELETE FROM race_rows")
    print(json.dumps({"errors": errors, "journal_mode": journal_mode, "rows": rows}))  # noqa: T201
