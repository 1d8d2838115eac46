# syntax=docker/dockerfile:1.7
# The image of every service; docker-compose.yml sets the build arguments per service. The build
# context is the repo root (the uv workspace needs every member's pyproject.toml):
#   docker build --build-arg PACKAGE=core_service --build-arg PROJECT=core-service \
#     --build-arg ENV_PREFIX=CORE_ --build-arg PORT=8000 --build-arg MIGRATE=true -t uk/core-service .
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    PATH=/app/.venv/bin:$PATH

RUN pip install --no-cache-dir "uv==0.13.9" \
    && useradd --create-home --uid 10001 --shell /usr/sbin/nologin app

WORKDIR /app

# The build arguments come after the steps every image shares, so those layers are built once.
# PROJECT: the member's name in pyproject.toml (what
# `uv sync --package` takes); PACKAGE: its folder and Python package; ENV_PREFIX: its settings'
# prefix; PORT: where it listens; MIGRATE: true for a service with a database, which it migrates
# before it starts.
ARG PROJECT
ARG PACKAGE
ARG ENV_PREFIX
ARG PORT
ARG MIGRATE
RUN : "${PROJECT:?}" "${PACKAGE:?}" "${ENV_PREFIX:?}" "${PORT:?}" "${MIGRATE:?}"

# Dependencies only, from uv.lock: this layer is rebuilt when a lock or a pyproject changes, not the code.
COPY pyproject.toml uv.lock ./
COPY shared/pyproject.toml shared/pyproject.toml
COPY integration_service/pyproject.toml integration_service/pyproject.toml
COPY core_service/pyproject.toml core_service/pyproject.toml
COPY bot_gateway/pyproject.toml bot_gateway/pyproject.toml
COPY telegram_emulator/pyproject.toml telegram_emulator/pyproject.toml
COPY console/pyproject.toml console/pyproject.toml
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --package ${PROJECT} --no-install-workspace

# The code: the shared package and this service, installed into the same environment.
COPY shared/shared shared/shared
COPY ${PACKAGE}/${PACKAGE} ${PACKAGE}/${PACKAGE}
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --package ${PROJECT}

USER app
# APP_*: what the CMD and the HEALTHCHECK read at run time (they see no build arguments).
ENV ${ENV_PREFIX}HOST=0.0.0.0 \
    ${ENV_PREFIX}PORT=${PORT} \
    APP_PACKAGE=${PACKAGE} \
    APP_MIGRATE=${MIGRATE} \
    APP_ENV_PREFIX=${ENV_PREFIX}
EXPOSE ${PORT}

# Liveness only (`/health` touches no dependency); slim images have no curl, so Python's urllib.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ[os.environ['APP_ENV_PREFIX'] + 'PORT'] + '/health', timeout=4)"]

# A service with a database runs its own `migrate` first (services never migrate implicitly).
CMD ["sh", "-c", "[ \"$APP_MIGRATE\" != true ] || python -m \"$APP_PACKAGE\" migrate && exec python -m \"$APP_PACKAGE\""]
