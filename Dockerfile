# syntax=docker/dockerfile:1
# Build: docker build -t cuedesk .
# Run:   docker run -p 8000:8000 -e CUEDESK_DATABASE_URL=... cuedesk
# Demo:  docker run -p 8000:8000 -e CUEDESK_ENVIRONMENT=development cuedesk cuedesk demo --host 0.0.0.0

FROM python:3.11-slim AS build
WORKDIR /src
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
RUN python -m venv /opt/cuedesk
COPY pyproject.toml README.md ./
COPY app ./app
RUN /opt/cuedesk/bin/pip install --upgrade pip && /opt/cuedesk/bin/pip install .

FROM node:22-slim AS frontend
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/tsconfig.json frontend/vite.config.ts ./
COPY frontend/src ./src
RUN npm run build

FROM python:3.11-slim AS run
RUN useradd --create-home --uid 10001 cuedesk
COPY --from=build /opt/cuedesk /opt/cuedesk
WORKDIR /srv/cuedesk
# Migrations and the console's files are read from beside the package at run time, so the
# source tree (first on PYTHONPATH) is what runs; the venv brings the dependencies.
COPY --chown=cuedesk alembic.ini ./
COPY --chown=cuedesk migrations ./migrations
COPY --chown=cuedesk frontend/templates ./frontend/templates
COPY --chown=cuedesk frontend/static ./frontend/static
COPY --from=frontend --chown=cuedesk /src/frontend/dist ./frontend/dist
COPY --chown=cuedesk app ./app
ENV PATH="/opt/cuedesk/bin:$PATH" \
    PYTHONUNBUFFERED=1 \
    PYTHONPATH=/srv/cuedesk \
    CUEDESK_DATA_DIR=/srv/cuedesk/data \
    CUEDESK_ENVIRONMENT=production
RUN mkdir -p /srv/cuedesk/data && chown cuedesk /srv/cuedesk/data
USER cuedesk
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz')"
CMD ["cuedesk", "serve", "--host", "0.0.0.0", "--port", "8000"]
