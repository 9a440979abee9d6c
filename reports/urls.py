"""The reports app's pages, served under the namespaces their names have always had:
``readiness:`` for the firm's (results, plan, packs, report) and ``advisors:`` for the case page
and the advisors' reports. config/urls.py joins each list to the app below it."""

from django.urls import path

from reports.views import advisor_reports, cases, downloads, plan, results

firm_urlpatterns = [
    path("assessment/<uuid:public_id>/results/", results.results, name="results"),
    path("assessment/<uuid:public_id>/plan/targets/", plan.plan_targets, name="plan_targets"),
    path("assessment/<uuid:public_id>/plan.pdf", plan.plan_pdf, name="plan_pdf"),
    path("assessment/<uuid:public_id>/pack/<slug:slug>/", plan.pack_page, name="pack"),
    path("assessment/<uuid:public_id>/pack/<slug:slug>.pdf", plan.pack_pdf, name="pack_pdf"),
    path("assessment/<uuid:public_id>/report.pdf", downloads.report_download, name="report"),
    path("assessment/<uuid:public_id>/report/", downloads.report_progress,
         name="report_progress"),
]

advisor_urlpatterns = [
    path("cases/<int:share_id>/", cases.review, name="review"),
    path("cases/<int:share_id>/update/", cases.update_case, name="update_case"),
    path("cases/<int:share_id>/notes/", cases.add_note, name="add_note"),
    path("cases/<int:share_id>/actions/", cases.add_action, name="add_action"),
    path("cases/<int:share_id>/referrals/", cases.add_referral, name="add_referral"),
    path("cases/<int:share_id>/referrals/<int:referral_id>/", cases.update_referral,
         name="update_referral"),
    path("cases/<int:share_id>/report.pdf", advisor_reports.case_report, name="case_report"),
    path("cases/<int:share_id>/report/", advisor_reports.case_report_progress,
         name="case_report_progress"),
    path("reports/", advisor_reports.bundle_request, name="bundle_request"),
    path("reports/<uuid:public_id>/", advisor_reports.bundle_status, name="bundle"),
    path("reports/<uuid:public_id>/download/", advisor_reports.bundle_download,
         name="bundle_download"),
]
