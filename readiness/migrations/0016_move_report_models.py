"""StoredReport and ReportBundle now belong to the reports app (reports/migrations/0001): they
leave this app's migration state only; their tables stay as they are."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('readiness', '0015_benchmark_cohort_quartiles'),
        ('reports', '0001_move_report_models'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.RemoveField(model_name='reportbundle', name='assessments'),
                migrations.RemoveField(model_name='reportbundle', name='requested_by'),
                migrations.RemoveConstraint(model_name='storedreport',
                                            name='one_report_per_audience'),
                migrations.DeleteModel(name='ReportBundle'),
                migrations.DeleteModel(name='StoredReport'),
            ],
        ),
    ]
