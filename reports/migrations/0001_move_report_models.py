"""StoredReport and ReportBundle move from the readiness app to this one in the migration state
only: they keep their tables (readiness_storedreport, readiness_reportbundle and its
readiness_reportbundle_assessments), so no row is copied and stored PDFs stay where they are.
Their content types follow them, so that permissions granted on them still hold."""

import django.db.models.deletion
import readiness.models
import uuid
from django.conf import settings
from django.db import migrations, models


def content_types_follow(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    for model in ("storedreport", "reportbundle"):
        if not content_type.objects.filter(app_label="reports", model=model).exists():
            content_type.objects.filter(app_label="readiness", model=model).update(
                app_label="reports")


def content_types_return(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    for model in ("storedreport", "reportbundle"):
        if not content_type.objects.filter(app_label="readiness", model=model).exists():
            content_type.objects.filter(app_label="reports", model=model).update(
                app_label="readiness")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('readiness', '0009_benchmark_cohort'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
            migrations.CreateModel(
                name='ReportBundle',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                    ('status', models.CharField(choices=[('pending', 'Waiting for a worker'), ('running', 'Being built'), ('ready', 'Ready to download'), ('failed', 'Failed')], default='pending', max_length=16)),
                    ('total', models.PositiveIntegerField(default=0)),
                    ('done', models.PositiveIntegerField(default=0)),
                    ('file', models.FileField(blank=True, max_length=200, upload_to=readiness.models._bundle_path)),
                    ('error', models.TextField(blank=True)),
                    ('task_id', models.CharField(blank=True, max_length=64)),
                    ('created_at', models.DateTimeField(auto_now_add=True)),
                    ('started_at', models.DateTimeField(blank=True, null=True)),
                    ('finished_at', models.DateTimeField(blank=True, null=True)),
                    ('assessments', models.ManyToManyField(related_name='+', to='readiness.assessment')),
                    ('requested_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ],
                options={
                    'db_table': 'readiness_reportbundle',
                    'ordering': ['-created_at'],
                },
            ),
            migrations.CreateModel(
                name='StoredReport',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('audience', models.CharField(blank=True, default='', max_length=40)),
                    ('file', models.FileField(max_length=200, upload_to=readiness.models._report_path)),
                    ('fingerprint', models.CharField(max_length=64)),
                    ('pages', models.PositiveSmallIntegerField()),
                    ('size', models.PositiveIntegerField()),
                    ('render_seconds', models.FloatField()),
                    ('rendered_at', models.DateTimeField()),
                    ('assessment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reports', to='readiness.assessment')),
                ],
                options={
                    'db_table': 'readiness_storedreport',
                    'constraints': [models.UniqueConstraint(fields=('assessment', 'audience'), name='one_report_per_audience')],
                },
            ),
            ],
        ),
        migrations.RunPython(content_types_follow, content_types_return),
    ]
