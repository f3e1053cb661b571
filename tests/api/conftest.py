"""Unit tests of the client over `httpx.MockTransport`: the wire format, without sockets."""

from __future__ import annotations

import json
from collections.abc import Callable
from urllib.parse import parse_qsl

import httpx
import pytest

from api import PrinterOSClient

SESSION = "s3cr3t-session-token"


class Cloud:
    """Records each request and answers with the response queued for its call."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.responses: dict[str, Callable[[httpx.Request], httpx.Response] | httpx.Response] = {}

    def answer(self, call: str, message=None, *, status: int = 200, body: dict | None = None) -> None:
        self.responses[call] = httpx.Response(
            status, json=body if body is not None else {"result": True, "message": message}
        )

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        call = request.url.path.rsplit("/", 1)[-1]
        response = self.responses.get(call)
        if response is None:
            return httpx.Response(404, json={"result": False, "message": f"no such call {call}"})
        return response(request) if callable(response) else response

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]

    def form(self, request: httpx.Request | None = None) -> list[tuple[str, str]]:
        request = request or self.last
        return parse_qsl(request.content.decode(), keep_blank_values=True)


@pytest.fixture
def cloud() -> Cloud:
    return Cloud()


@pytest.fixture
async def client(cloud: Cloud):
    async with PrinterOSClient(
        "https://cloud.example", session=SESSION, transport=httpx.MockTransport(cloud.handler)
    ) as c:
        yield c


def payload(request: httpx.Request) -> dict:
    return json.loads(request.content)
