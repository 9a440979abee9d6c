from django.urls import path

from readiness.views import account as account_views
from readiness.views import assessment as views
from readiness.views import autosave as autosave_views
from readiness.views import consent as consent_views
from readiness.views import plan as plan_views
from readiness.views import privacy as privacy_views
from readiness.views import reports as report_views
from readiness.views import team as team_views

app_name = "readiness"

urlpatterns = [
    path("account/", account_views.account, name="account"),
    path("account/login/", account_views.account_login, name="account_login"),
    path("account/confirm/<str:signed>/", account_views.account_confirm, name="account_confirm"),
    path("assessment/<uuid:public_id>/account/", account_views.keep, name="account_keep"),
    path("confirm-email/<str:signed>/", consent_views.email_confirm, name="confirm_email"),
    path("assessment/<uuid:public_id>/access/", consent_views.access, name="access"),
    path("assessment/<uuid:public_id>/access/confirm-email/", consent_views.confirmation_resend,
         name="confirmation_resend"),
    path("assessment/<uuid:public_id>/access/link/", consent_views.link_rotate,
         name="link_rotate"),
    path("assessment/<uuid:public_id>/access/accounts/<int:account_id>/remove/",
         consent_views.account_revoke, name="account_revoke"),
    path("", views.home, name="home"),
    path("start/", views.start, name="start"),
    path("region-options/", views.region_options, name="region_options"),
    path("resume/", views.resume_help, name="resume_help"),
    path("resume/<str:token>/", views.resume, name="resume"),
    path("assessment/<uuid:public_id>/profile/", views.profile, name="profile"),
    path("assessment/<uuid:public_id>/pillar/<slug:pillar_key>/", views.pillar, name="pillar"),
    path("assessment/<uuid:public_id>/pillar/<slug:pillar_key>/autosave/", views.autosave,
         name="autosave"),
    path("assessment/<uuid:public_id>/objectives/", views.objectives, name="objectives"),
    path("assessment/<uuid:public_id>/<slug:step_key>/autosave/", autosave_views.step_autosave,
         name="step_autosave"),
    path("assessment/<uuid:public_id>/review/", views.review, name="review"),
    path("assessment/<uuid:public_id>/results/", views.results, name="results"),
    path("assessment/<uuid:public_id>/reassess/", views.reassess, name="reassess"),
    path("assessment/<uuid:public_id>/my-data.json", privacy_views.data_export,
         name="data_export"),
    path("assessment/<uuid:public_id>/erase/", privacy_views.erase, name="erase"),
    path("assessment/<uuid:public_id>/plan/targets/", plan_views.plan_targets,
         name="plan_targets"),
    path("assessment/<uuid:public_id>/plan.pdf", plan_views.plan_pdf, name="plan_pdf"),
    path("assessment/<uuid:public_id>/pack/<slug:slug>/", plan_views.pack_page, name="pack"),
    path("assessment/<uuid:public_id>/pack/<slug:slug>.pdf", plan_views.pack_pdf,
         name="pack_pdf"),
    path("assessment/<uuid:public_id>/team/", team_views.team, name="team"),
    path("assessment/<uuid:public_id>/team/share/", team_views.team_share, name="team_share"),
    path("assessment/<uuid:public_id>/team/<uuid:respondent_id>/remind/",
         team_views.respondent_remind, name="respondent_remind"),
    path("assessment/<uuid:public_id>/team/<uuid:respondent_id>/remove/",
         team_views.respondent_remove, name="respondent_remove"),
    path("assessment/<uuid:public_id>/team/compare/", team_views.divergence, name="divergence"),
    path("assessment/<uuid:public_id>/team/agree/<slug:dimension_key>/", team_views.agree,
         name="agree"),
    path("team/<str:token>/", team_views.respondent_open, name="respondent_open"),
    path("respondent/<uuid:public_id>/", team_views.respondent_home, name="respondent_home"),
    path("respondent/<uuid:public_id>/pillar/<slug:pillar_key>/", team_views.respondent_pillar,
         name="respondent_pillar"),
    path("respondent/<uuid:public_id>/pillar/<slug:pillar_key>/autosave/",
         team_views.respondent_autosave, name="respondent_autosave"),
    path("assessment/<uuid:public_id>/report.pdf", report_views.report_download, name="report"),
    path("assessment/<uuid:public_id>/report/", report_views.report_progress,
         name="report_progress"),
]
