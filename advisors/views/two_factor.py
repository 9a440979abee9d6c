"""The second factor of advisors and staff: set up an authenticator app, then a code each sign-in."""

from __future__ import annotations

import base64

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods
from django_otp import devices_for_user, user_has_device
from django_otp import login as otp_login

from advisors import services
from advisors.forms import TwoFactorCodeForm
from config.ratelimit import rate_limit


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return target
    return reverse("advisors:caseload")


def _qr_svg(text: str) -> str:
    # An inline SVG drawn from the otpauth:// URL: no external image, nothing the CSP must allow.
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return mark_safe(image.to_string(encoding="unicode"))  # noqa: S308 (our own SVG, no user input)


@require_http_methods(["GET", "HEAD", "POST"])
@rate_limit("login", methods=("POST",))
@login_required(login_url="advisors:login")
def two_factor(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.is_verified():
        return redirect(_next_url(request))
    form = TwoFactorCodeForm(request.POST or None)
    context = {"form": form, "next": _next_url(request)}
    if user_has_device(user, confirmed=True):
        if request.method == "POST" and form.is_valid():
            code = form.cleaned_data["code"].strip().replace(" ", "")
            for device in devices_for_user(user, confirmed=True):
                allowed, _ = device.verify_is_allowed()
                if allowed and device.verify_token(code):
                    otp_login(request, device)
                    return redirect(context["next"])
            form.add_error("code", "That code is not right, or it has expired. Try the newest "
                                   "code your app shows, or a recovery code.")
        return render(request, "advisors/two_factor_verify.html", context,
                      status=400 if form.errors else 200)

    device = services.two_factor_device_start(user=user)
    if request.method == "POST" and form.is_valid():
        codes = services.two_factor_confirm(user=user, device=device,
                                            token=form.cleaned_data["code"])
        if codes is not None:
            otp_login(request, device)
            return render(request, "advisors/two_factor_codes.html", {**context, "codes": codes})
        form.add_error("code", "That code is not right. Check that the app shows "
                               f"“{settings.OTP_TOTP_ISSUER}” and type its newest code.")
    context.update(qr=_qr_svg(device.config_url),
                   secret=base64.b32encode(device.bin_key).decode("ascii"))
    return render(request, "advisors/two_factor_setup.html", context,
                  status=400 if form.errors else 200)
