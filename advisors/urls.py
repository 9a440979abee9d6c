from django.contrib.auth import views as auth_views
from django.urls import path, re_path, reverse_lazy

from advisors.views import (
    impact,
    kpi,
    members,
    policy,
    sharing,
    two_factor,
    verification,
    workspace,
)
from config.ratelimit import login_throttle, rate_limit

# The case page and the advisors' reports are served by the reports app under this same
# namespace (reports.urls.advisor_urlpatterns, joined in config/urls.py).
app_name = "advisors"

urlpatterns = [
    path("login/", login_throttle(auth_views.LoginView.as_view(
        template_name="advisors/login.html", redirect_authenticated_user=True)), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("two-factor/", two_factor.two_factor, name="two_factor"),
    path("password-reset/", rate_limit("password_reset", methods=("POST",))(
        auth_views.PasswordResetView.as_view(
        template_name="advisors/password_reset.html",
        email_template_name="advisors/email/password_reset.txt",
        success_url=reverse_lazy("advisors:password_reset_done"))), name="password_reset"),
    path("password-reset/sent/", auth_views.PasswordResetDoneView.as_view(
        template_name="advisors/password_reset_done.html"), name="password_reset_done"),
    path("password-reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(
        template_name="advisors/password_reset_confirm.html",
        success_url=reverse_lazy("advisors:password_reset_complete")),
        name="password_reset_confirm"),
    path("password-reset/done/", auth_views.PasswordResetCompleteView.as_view(
        template_name="advisors/password_reset_complete.html"), name="password_reset_complete"),
    path("", workspace.caseload, name="caseload"),
    path("cases/<int:share_id>/actions/<int:action_id>/toggle/", workspace.toggle_action,
         name="toggle_action"),
    path("cases/<int:share_id>/progress/", workspace.progress, name="progress"),
    path("cases/<int:share_id>/verify/", verification.verify_answers, name="verify_answers"),
    path("analytics/", workspace.analytics, name="analytics"),
    path("impact/", impact.impact_page, name="impact"),
    path("kpis/", kpi.kpi_page, name="kpi"),
    re_path(r"^kpis/export\.(?P<fmt>csv|xlsx)$", kpi.kpi_export, name="kpi_export"),
    path("policy/", policy.policy_page, name="policy"),
    re_path(r"^policy/export/(?P<table>[a-z-]+)\.(?P<fmt>csv|xlsx)$", policy.policy_export,
            name="policy_export"),
    path("members/", members.members, name="members"),
    path("members/<int:membership_id>/remove/", members.member_remove, name="member_remove"),
    path("members/<int:membership_id>/resend/", members.member_invitation_resend,
         name="member_resend"),
    re_path(r"^export/caseload\.(?P<fmt>csv|xlsx)$", workspace.export_caseload, name="export_caseload"),
    re_path(r"^export/analytics\.(?P<fmt>csv|xlsx)$", workspace.export_analytics, name="export_analytics"),
]

firm_urlpatterns = [
    path("assessment/<uuid:public_id>/share/<slug:organisation_slug>/", sharing.share,
         name="share"),
    path("assessment/<uuid:public_id>/share-again/", sharing.share_again,
         name="share_again"),
    path("assessment/<uuid:public_id>/share/<slug:organisation_slug>/withdraw/", sharing.withdraw,
         name="withdraw"),
]
