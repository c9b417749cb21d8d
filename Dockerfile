FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

COPY pyproject.toml README.md ./
RUN pip install --upgrade pip && pip install .

COPY . .
# collectstatic needs settings to import; the build-time key is never used at run time.
RUN SECRET_KEY=build-only-not-secret DATABASE_URL=postgres://build@localhost/build \
    python manage.py collectstatic --noinput

RUN useradd --system --home /app newsreader && chown -R newsreader /app
USER newsreader
EXPOSE 8000
CMD ["sh", "-c", "python manage.py migrate --noinput && gunicorn newsreader.wsgi --bind 0.0.0.0:8000 --workers 3 --access-logfile -"]
