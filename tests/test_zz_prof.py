import cProfile, pstats, time, random, re
import pytest
from django.urls import reverse
from django.db import connection
from django.test.utils import CaptureQueriesContext
from tests.factories import make_article, make_user, make_speaker, make_tag
pytestmark = pytest.mark.django_db

def test_prof(client):
    import sys; sys.path.insert(0, "bench")
    from annotate import article_text, spans, fields
    rng = random.Random(5)
    body, structure = article_text(rng)
    art = make_article(body=body, structure=structure)
    for n in ["Ana Kaya", "Mark Osei", "Ali Demir", "Jo Brennan", "Mina Rossi"]:
        make_speaker(n)
    for t in ["economy", "politics", "climate", "health", "security"]:
        make_tag(t)
    ed = make_user("ed", editor=True); client.force_login(ed)
    url = reverse("annotation_create", args=[art.slug])
    hdr = {"HX-Request": "true", "HX-Current-URL": "http://testserver" + art.get_absolute_url()}
    times = []
    pr = cProfile.Profile()
    for i, (s, e) in enumerate(spans(rng, body, 20)):
        data = {"start": s, "end": e, "exact": body[s:e], **fields(rng, i)}
        data.pop("speaker", None); data["kind"] = data["kind"] if data["kind"] != "quote" else "highlight"
        t = time.perf_counter()
        with CaptureQueriesContext(connection) as q:
            if i >= 10: pr.enable()
            r = client.post(url, data, headers=hdr)
            if i >= 10: pr.disable()
        times.append((time.perf_counter() - t) * 1000)
        assert r.status_code == 200, r.content[:500]
    print("times", [round(x, 1) for x in times], "queries", len(q), "bytes", len(r.content))
    for x in q.captured_queries: print("  ", x["time"], x["sql"][:150])
    pstats.Stats(pr).sort_stats("cumulative").print_stats(35)
