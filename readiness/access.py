"""Who may open an assessment: the holder of its private resume link.

Opening the link stores the token, encrypted, in the (server-side) session; every assessment
page then checks the session's token against the stored hash in constant time. The token never
appears in the assessment pages' URLs, so it does not end up in access logs or Referer headers,
and never in plain text in the session tables or Redis: a reader of those (or of a backup)
without the SECRET_KEY cannot open the firm's assessment. Rotating the link (a new token) ends
every session that held the old one.
"""

from __future__ import annotations

import base64
import datetime
import hmac

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.crypto import salted_hmac

from readiness.models import Assessment, FirmAccount, Respondent, hash_token

SESSION_KEY = "assessment_tokens"


class LinkExpired(Exception):
    """A draft's resume link is older than the configured maximum age."""


def _session_cipher() -> Fernet:
    # A key of its own, derived from SECRET_KEY: the sessions' signing key is not reused.
    key = salted_hmac("readiness.access.session-token", "fernet", algorithm="sha256").digest()
    return Fernet(base64.urlsafe_b64encode(key))


def seal(token: str) -> str:
    """The token as the session keeps it: encrypted and authenticated (Fernet)."""
    return _session_cipher().encrypt(token.encode()).decode()


def grant(request: HttpRequest, assessment: Assessment, token: str) -> None:
    tokens = dict(request.session.get(SESSION_KEY, {}))
    tokens[str(assessment.public_id)] = seal(token)
    request.session[SESSION_KEY] = tokens


def unseal(sealed: object) -> str | None:
    """The token ``seal`` encrypted, or None if it is not one (another SECRET_KEY, a session
    from before the encryption, a forged value)."""
    if not isinstance(sealed, str) or not sealed:
        return None
    try:
        return _session_cipher().decrypt(sealed.encode()).decode()
    except InvalidToken:
        return None


def sealed_token_for(request: HttpRequest, assessment: Assessment) -> str:
    return request.session.get(SESSION_KEY, {}).get(str(assessment.public_id)) or ""


def token_for(request: HttpRequest, assessment: Assessment) -> str | None:
    return unseal(sealed_token_for(request, assessment))


def is_expired(assessment: Assessment) -> bool:
    if not assessment.is_draft:
        return False
    limit = assessment.link_expires_at(settings.RESUME_LINK_MAX_AGE_DAYS)
    return timezone.now() > limit


def _assessments():
    # Every assessment page loads its framework; the framework's definition (a 50 kB JSON
    # column) is only needed the first time a process parses that version (models.spec_for),
    # so it is not fetched and decoded on every request (docs/performance.md).
    return Assessment.objects.select_related("framework", "firm").defer("framework__definition")


def assessment_by_token(token: str) -> Assessment | None:
    """The assessment a resume token opens, or None; the lookup is by hash, never by token."""
    if not token or len(token) > 200:
        return None
    return (_assessments().filter(token_hash=hash_token(token)).first())


def holds_account_for(request: HttpRequest, assessment: Assessment) -> bool:
    """Whether the signed-in user keeps this assessment's firm in their firm account."""
    user = request.user
    return bool(user.is_authenticated
                and FirmAccount.objects.filter(user=user, firm_id=assessment.firm_id).exists())


def assessment_for_holder(request: HttpRequest, public_id) -> Assessment:
    """The assessment, if this session holds its link (or the user's firm account holds the
    firm); 404 if unknown, 403 if not held."""
    assessment = get_object_or_404(
        _assessments(), public_id=public_id
    )
    token = token_for(request, assessment)
    held = token is not None and hmac.compare_digest(hash_token(token), assessment.token_hash)
    if not held and not holds_account_for(request, assessment):
        raise PermissionDenied("Open your private resume link to see this assessment.")
    if is_expired(assessment):
        raise LinkExpired
    return assessment


# Invited respondents (issue 16) --------------------------------------------------------------
# A colleague's personal link works like the firm's resume link: opening it stores the token,
# sealed, in the session; every respondent page checks it against the stored hash in constant
# time, and the token never appears in those pages' URLs. It opens that respondent's own
# answers and nothing else of the firm's.

RESPONDENT_SESSION_KEY = "respondent_tokens"


def respondent_by_token(token: str) -> Respondent | None:
    if not token or len(token) > 200:
        return None
    return (Respondent.objects.select_related("assessment__framework")
            .defer("assessment__framework__definition")
            .filter(token_hash=hash_token(token)).first())


def respondent_grant(request: HttpRequest, respondent: Respondent, token: str) -> None:
    tokens = dict(request.session.get(RESPONDENT_SESSION_KEY, {}))
    tokens[str(respondent.public_id)] = seal(token)
    request.session[RESPONDENT_SESSION_KEY] = tokens


def respondent_is_expired(respondent: Respondent) -> bool:
    if not respondent.assessment.is_draft:
        return False
    limit = respondent.updated_at + datetime.timedelta(days=settings.RESUME_LINK_MAX_AGE_DAYS)
    return timezone.now() > limit


def respondent_for_holder(request: HttpRequest, public_id) -> Respondent:
    """The respondent whose personal link this session opened; 404 if unknown, 403 if not."""
    respondent = get_object_or_404(
        Respondent.objects.select_related("assessment__framework")
        .defer("assessment__framework__definition"), public_id=public_id)
    sealed = request.session.get(RESPONDENT_SESSION_KEY, {}).get(str(respondent.public_id))
    token = unseal(sealed)
    if token is None or not hmac.compare_digest(hash_token(token), respondent.token_hash):
        raise PermissionDenied("Open your personal link to answer.")
    if respondent_is_expired(respondent):
        raise LinkExpired
    return respondent
