from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsreader.settings")
application = get_wsgi_application()

from newsreader.deployment import require_static_manifest  # noqa: E402 - needs settings

require_static_manifest()
