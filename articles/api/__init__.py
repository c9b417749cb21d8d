"""The typed JSON API under /api/ (django-ninja): `site` assembles the routers by concept
(articles, annotations, catalogue, search, imports, exports), `auth` says who is asking,
`pagination` keeps cursors stable, `schemas` types every answer."""

from __future__ import annotations
