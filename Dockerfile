# Production image of the renovation portal. See docs/production.md.
#
#   docker compose up -d --build        (web, worker and beat all run this image)
#
# Three stages: front-end assets (the only stage with Node), Python dependencies from uv.lock,
# and the runtime image, which has neither Node nor uv.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# --- 1. Front-end assets: npm ci, then copy Bootstrap/htmx/ECharts into static/vendor ----------
FROM ${PYTHON_IMAGE} AS assets
RUN apt-get update \
    && apt-get install -y --no-install-recommends nodejs npm \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY scripts/vendor_assets.py scripts/
RUN python3 scripts/vendor_assets.py

# --- 2. Python dependencies: exactly what uv.lock says, without the dev group ------------------
FROM ${PYTHON_IMAGE} AS python-deps
ENV UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy
RUN pip install --no-cache-dir --disable-pip-version-check "uv>=0.9,<1"
WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev

# --- 3. Runtime ------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS runtime
# WeasyPrint's libraries; libharfbuzz-subset0 makes Chinese PDFs ~70x faster; fonts-noto-cjk
# gives real Chinese glyphs; fontconfig provides fc-list, which the PDF system check and the
# system status page use to find the CJK fonts.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk fontconfig \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 1000 portal \
    && useradd --system --uid 1000 --gid portal --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin portal

ENV PATH="/app/.venv/bin:${PATH}" \
    VIRTUAL_ENV=/app/.venv \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    STATIC_ROOT=/app/var/static \
    MEDIA_ROOT=/app/var/media

WORKDIR /app
COPY --from=python-deps /app/.venv /app/.venv
COPY . .
COPY --from=assets /src/static/vendor static/vendor

# collectstatic must run with the production storage (CompressedManifestStaticFilesStorage):
# only it writes staticfiles.json, without which every page fails in production with
# "Missing staticfiles manifest entry". Production mode refuses to start without real-looking
# settings, so throwaway values are given to this one command; collectstatic connects to
# neither the database nor Redis, and none of these values stays in the image.
RUN PORTAL_ENV=production \
    SECRET_KEY=build-only-throwaway-key-not-used-at-runtime-0123456789abcdefghijklmnop \
    ALLOWED_HOSTS=build.invalid \
    DATABASE_URL=postgres://build@build.invalid:5432/build \
    REDIS_URL=redis://build.invalid:6379/0 \
    python manage.py collectstatic --noinput \
    && mkdir -p /app/var/media \
    && chown -R portal:portal /app/var/media

USER portal
VOLUME ["/app/var/media"]
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--timeout", "120", "--access-logfile", "-"]
