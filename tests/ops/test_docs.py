"""``/docs`` and ``/redoc`` work on a machine without internet: every file is served here."""

from __future__ import annotations

import re

import httpx
import pytest

ASSET = re.compile(r"""(?:src|href)=["']([^"']+)["']""")


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
async def test_the_api_docs_load_only_files_this_server_serves(
    anon: httpx.AsyncClient, page: str
) -> None:
    response = await anon.get(page)
    assert response.status_code == 200
    assert "://" not in response.text
    assets = ASSET.findall(response.text)
    assert len(assets) >= 2
    for url in assets:
        assert url.startswith("/") and not url.startswith("//"), url
        asset = await anon.get(url)
        assert asset.status_code == 200, url
        assert len(asset.content) > 1000, url
    assert "/openapi.json" in response.text
    assert (await anon.get("/openapi.json")).status_code == 200
