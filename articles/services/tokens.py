"""API tokens: made and revoked by their owner (their tokens page) or by staff (the admin)."""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from articles.models import ApiToken

# "nr_" tells a Newsreader token apart in a config file or a secret scanner's report.
TOKEN_PREFIX = "nr_"
SHOWN_PREFIX_LENGTH = 10
TOKEN_NAME_NEEDED = "Name the token: what it is for, e.g. “CMS import”."
TOKEN_NAME_TOO_LONG = "Keep the name under 100 characters."


def token_digest(secret: str) -> str:
    """What is stored of a token: the sha256 of its secret, in hex."""
    return hashlib.sha256(secret.encode()).hexdigest()


def api_token_create(*, user, name: str) -> tuple[ApiToken, str]:
    """A new token for `user`, and its secret: the only time the secret exists outside the
    caller's hands (only its digest is stored)."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": TOKEN_NAME_NEEDED})
    if len(name) > 100:
        raise ValidationError({"name": TOKEN_NAME_TOO_LONG})
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user, name=name, prefix=secret[:SHOWN_PREFIX_LENGTH], digest=token_digest(secret)
    )
    with transaction.atomic():
        # No look-ups: the user is the caller's, and a digest of 256 random bits is unique
        # (the unique index guards it all the same).
        token.full_clean(exclude=["user"], validate_unique=False, validate_constraints=False)
        token.save(force_insert=True)
    return token, secret


def api_token_revoke(*, token_id: int, user=None) -> ApiToken:
    """Revoke a token: refused from then on. `user` given: only one of that user's own
    (another's raises ApiToken.DoesNotExist, as if there were none). Revoking twice keeps
    the first time."""
    with transaction.atomic():
        tokens = ApiToken.objects.select_for_update()
        if user is not None:
            tokens = tokens.filter(user=user)
        token = tokens.get(pk=token_id)
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
    return token


def api_token_touch(*, token: ApiToken) -> None:
    """Record that the token was just used, at most every API_TOKEN_TOUCH_INTERVAL seconds:
    a write per request would cost more than the request."""
    now = timezone.now()
    interval = datetime.timedelta(seconds=settings.API_TOKEN_TOUCH_INTERVAL)
    if token.last_used_at is None or now - token.last_used_at >= interval:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
