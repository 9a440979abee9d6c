from django.contrib import admin

from readiness.models import Answer, Assessment, FrameworkVersion, PriorityWeights
from readiness.privacy import assessment_erase


@admin.register(FrameworkVersion)
class FrameworkVersionAdmin(admin.ModelAdmin):
    list_display = ["version", "name", "published"]
    readonly_fields = ["version", "name", "published", "definition"]

    def has_add_permission(self, request):
        return False  # versions come from fixtures/framework via `manage.py load_framework`


class AnswerInline(admin.TabularInline):
    model = Answer
    extra = 0
    readonly_fields = ["dimension_key", "band", "evidence", "updated_at"]
    can_delete = False


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ["company_name", "country", "region", "sector", "employees", "status",
                    "created_at"]
    list_filter = ["status", "country", "framework"]
    search_fields = ["company_name", "contact_email"]
    readonly_fields = ["public_id", "framework", "firm", "previous", "token_hash", "created_at",
                       "updated_at", "submitted_at"]
    inlines = [AnswerInline]
    list_select_related = ["framework"]

    # Deleting here is an erasure like the firm's own: the one erase path runs every eraser
    # (stored PDFs, bundles, notes' history, the firm and its accounts), not the bare cascade.
    def delete_model(self, request, obj: Assessment) -> None:
        assessment_erase(assessment=obj)

    def delete_queryset(self, request, queryset) -> None:
        for assessment in queryset:
            assessment_erase(assessment=assessment)


@admin.register(PriorityWeights)
class PriorityWeightsAdmin(admin.ModelAdmin):
    list_display = ["gap", "kpi", "cost", "changed_at"]
