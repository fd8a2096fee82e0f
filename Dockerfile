# syntax=docker/dockerfile:1
# The platform's image: web (CMD), and with another command the Celery worker and beat and
# `manage.py migrate_units`. platform/compose.yaml shows all of them together.
#
#   docker build -t govoa .
#
# Stage 1 builds the Vue app; stage 2 is the Python runtime with the built app in frontend/dist.

# ---- 1. frontend ---------------------------------------------------------------------------
FROM node:20-bookworm AS frontend
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

# ---- 2. runtime ----------------------------------------------------------------------------
FROM python:3.11-slim-bookworm AS runtime

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_NO_CACHE=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=config.settings \
    OA_VAR_DIR=/app/var

# The free CJK fonts the GB/T 9704 PDFs are set in (docs/adr/0009-document-rendering.md).
RUN apt-get update -q \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends fonts-noto-cjk fonts-arphic-gkai00mp \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 oa \
    && useradd --system --uid 10001 --gid oa --home-dir /app --no-create-home --shell /usr/sbin/nologin oa

# requirements.lock is the only dependency list (hashes checked). It also holds the dev
# extras (pytest, ruff, playwright's Python package without a browser): a few MB, kept so the
# image runs from the one lock everybody tests with.
COPY requirements.lock /tmp/requirements.lock
RUN python -m venv /opt/venv \
    && /opt/venv/bin/pip install --no-cache-dir "uv==0.13.9" \
    && uv pip install --python /opt/venv/bin/python -r /tmp/requirements.lock \
    && /opt/venv/bin/pip uninstall -y uv \
    && rm /tmp/requirements.lock

WORKDIR /app
# The code stays owned by root (read-only for the app); only var/ (media, beat schedule) is
# the app user's.
COPY . /app
COPY --from=frontend /src/frontend/dist /app/frontend/dist

# collectstatic at build time. The settings start the embedded PostgreSQL only when
# DATABASE_URL is unset, and connect lazily otherwise, so a dummy URL keeps the build offline.
RUN DATABASE_URL=postgres://build:build@127.0.0.1:1/build OA_SECRET_KEY=build-only-not-a-secret \
        python manage.py collectstatic --noinput --verbosity 0 \
    && mkdir -p /app/var/media \
    && chown -R oa:oa /app/var

USER oa
EXPOSE 8000

# Plain HTTP inside the network: the proxy (platform/nginx.conf) is in front and sets Host.
# The health check is in platform/compose.yaml (web only: worker and beat use this image too).
CMD ["uvicorn", "config.asgi:application", "--host", "0.0.0.0", "--port", "8000", "--workers", "2"]
