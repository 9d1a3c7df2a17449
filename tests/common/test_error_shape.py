"""Every error the API answers has the one shape its OpenAPI schema declares (ErrorBody):
a ``detail`` string a person can read, whatever refused the request."""

from __future__ import annotations

from typing import Any

import httpx

from app.common.http_errors import ErrorBody


def assert_error_body(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    ErrorBody.model_validate(body)
    assert isinstance(body["detail"], str) and body["detail"], body
    return body


async def test_every_kind_of_refusal_answers_the_same_shape(
    anon: httpx.AsyncClient,
    producer: httpx.AsyncClient,
    olive: httpx.AsyncClient,
    oscar: httpx.AsyncClient,
    event_id: int,
    mention_id: int,
) -> None:
    mentions = f"/api/events/{event_id}/mentions"
    assert_error_body(await anon.get("/api/events"), 401)
    assert_error_body(await producer.get("/api/nowhere"), 404)
    assert_error_body(await producer.delete("/healthz"), 405)
    assert_error_body(await producer.get("/api/events/999999"), 404)
    await olive.post(f"/api/mentions/{mention_id}/claim", json={})
    held = assert_error_body(await oscar.post(f"/api/mentions/{mention_id}/claim", json={}), 409)
    assert held["holder"]["username"] == "olive"
    # A service's own refusal (Invalid) and a refused query: both 422, both a string detail.
    assert_error_body(await producer.get(mentions, params={"cursor": "1:2"}), 422)
    refused = assert_error_body(await producer.get(mentions, params={"limit": 0}), 422)
    assert refused["error_count"] == 1
    assert refused["errors"][0]["loc"] == ["query", "limit"]
    assert refused["detail"] == refused["errors"][0]["message"]
    broken = await producer.post(
        mentions, content=b"[{", headers={"content-type": "application/json"}
    )
    assert_error_body(broken, 422)


async def test_the_openapi_schema_declares_the_shape_on_every_operation(app: Any) -> None:
    schema = app.openapi()
    assert "HTTPValidationError" not in schema["components"]["schemas"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            refusal = operation["responses"]["4XX"]["content"]["application/json"]["schema"]
            assert refusal == {"$ref": "#/components/schemas/ErrorBody"}, (method, path)
