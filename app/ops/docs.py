"""``/docs`` (Swagger UI) and ``/redoc``, served with their files from this machine.

FastAPI's own pages load Swagger UI and Redoc from a CDN, so on a desk without internet
they stay blank. The ``fastapi-offline`` package ships both builds; we mount its folder
and build the same pages with FastAPI's helpers, pointed at the local copies.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
)
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

DOCS_ASSETS_URL = "/docs-assets"
DOCS_ASSETS_DIR = Path(str(files("fastapi_offline") / "static"))

router = APIRouter(include_in_schema=False)


def mount_docs(app: FastAPI) -> None:
    """Serve the docs pages and their files; ``FastAPI(docs_url=None, redoc_url=None)``
    must have turned FastAPI's CDN-backed pages off."""
    app.mount(DOCS_ASSETS_URL, StaticFiles(directory=DOCS_ASSETS_DIR), name="docs-assets")
    app.include_router(router)


def _assets(request: Request) -> str:
    return f"{request.scope.get('root_path', '')}{DOCS_ASSETS_URL}"


@router.get("/docs")
async def swagger_ui(request: Request) -> HTMLResponse:
    app: FastAPI = request.app
    root = request.scope.get("root_path", "")
    return get_swagger_ui_html(
        openapi_url=f"{root}{app.openapi_url}",
        title=f"{app.title} API",
        swagger_js_url=f"{_assets(request)}/swagger-ui-bundle.js",
        swagger_css_url=f"{_assets(request)}/swagger-ui.css",
        swagger_favicon_url=f"{_assets(request)}/favicon.png",
        # The API signs in with tokens, not OAuth2: no flow to come back from.
        oauth2_redirect_url=None,
        swagger_ui_parameters=app.swagger_ui_parameters,
    )


@router.get("/redoc")
async def redoc(request: Request) -> HTMLResponse:
    app: FastAPI = request.app
    return get_redoc_html(
        openapi_url=f"{request.scope.get('root_path', '')}{app.openapi_url}",
        title=f"{app.title} API",
        redoc_js_url=f"{_assets(request)}/redoc.standalone.js",
        redoc_favicon_url=f"{_assets(request)}/favicon.png",
        with_google_fonts=False,
    )
