"""A trigram index for the advisor caseload's firm-name search, on PostgreSQL only.

The search is ``assessment__company_name__icontains``, which Django writes on PostgreSQL as
``UPPER("readiness_assessment"."company_name"::text) LIKE UPPER(%s)``. A B-tree cannot serve a
``LIKE '%...%'``; a GIN index with ``pg_trgm``'s ``gin_trgm_ops`` on that same expression can.
SQLite (the one-machine default) has neither, so there the migration does nothing and the search
stays a scan of a small table. Not a model ``Meta.indexes`` entry, for the same reason: the index
is PostgreSQL's alone, and the model state stays vendor-neutral (``makemigrations`` sees nothing).

``CREATE EXTENSION`` needs a database user allowed to create it (the owner of the database on
PostgreSQL 13+, pg_trgm being a trusted extension), or an administrator who ran it once
(docs/deploy.md).
"""

from django.db import migrations

INDEX = "assessment_company_name_trgm"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name(apps.get_model("readiness", "Assessment")._meta.db_table)
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {schema_editor.quote_name(INDEX)} ON {table} "
        f'USING gin (UPPER("company_name"::text) gin_trgm_ops)'
    )


def drop_index(apps, schema_editor):
    # The extension stays: other database objects may use it, and it costs nothing unused.
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(INDEX)}")


class Migration(migrations.Migration):
    dependencies = [("readiness", "0005_firm_account")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
