"""gunicorn's settings wherever it starts from the project folder (the Dockerfile, the
benches, the deployment tests): gunicorn reads ./gunicorn.conf.py by default."""

# A sync worker tells the arbiter it is alive only between requests, so a response longer
# than `timeout` is killed mid-stream: the default 30 s cut the ClaimReview feed of 110,000
# claims off at 64 MB (bench/web_annotation.py), and an export of a few million annotations
# runs past it too (1,000,000 took 8-15 s, bench/export.py). Streams get five minutes.
from __future__ import annotations

timeout = 300
