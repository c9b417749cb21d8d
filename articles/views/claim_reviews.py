"""The site-wide ClaimReview feed: every judged claim, for fact-check aggregators."""

from __future__ import annotations

from django.http import StreamingHttpResponse
from django.views.decorators.http import require_safe

from articles.http import HtmxHttpRequest
from articles.models import Annotation
from articles.structured_data import claim_review_feed


@require_safe
def claim_review_feed_view(request: HtmxHttpRequest) -> StreamingHttpResponse:
    """Every published claim with a verdict as a schema.org DataFeed of ClaimReviews, streamed
    over a server-side cursor: one query, constant memory however many claims."""
    claims = Annotation.objects.reviewed_claims().iterator(chunk_size=2000)
    base_url = f"{request.scheme}://{request.get_host()}"
    pieces = claim_review_feed(claims, base_url=base_url, feed_url=request.build_absolute_uri())
    return StreamingHttpResponse(pieces, content_type="application/ld+json; charset=utf-8")
