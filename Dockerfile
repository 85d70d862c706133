# syntax=docker/dockerfile:1
# Stage 1: build wheels of every pinned dependency.
FROM python:3.11-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /build
COPY requirements.txt .
RUN pip wheel --wheel-dir /wheels -r requirements.txt

# Stage 2: slim runtime, non-root, static files collected at build time.
FROM python:3.11-slim AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=cinema.settings
RUN groupadd --system cinema && useradd --system --gid cinema --home /app --shell /usr/sbin/nologin cinema
WORKDIR /app
COPY --from=build /wheels /wheels
RUN pip install --no-index --find-links=/wheels /wheels/* && rm -rf /wheels
COPY --chown=cinema:cinema . .
# collectstatic needs settings but no secret or database: a throwaway key for this step only.
RUN DEBUG=0 SECRET_KEY=collectstatic-only-build-step-key-not-used-at-runtime-xxxxxxxxxx \
    DATABASE_URL=sqlite:////tmp/build.sqlite3 python manage.py collectstatic --noinput \
    && rm -f /tmp/build.sqlite3 && mkdir -p /app/media && chown -R cinema:cinema /app/staticfiles /app/media
USER cinema
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
    CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/health/live', timeout=2).status == 200 else 1)"
CMD ["gunicorn", "-c", "gunicorn.conf.py", "cinema.wsgi"]
