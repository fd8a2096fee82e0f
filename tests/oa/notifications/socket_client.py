"""A WebSocket test client over asgiref's ApplicationCommunicator (channels.testing would
import daphne, which the platform does not install: it is served by uvicorn)."""

from __future__ import annotations

import contextlib
import json

from asgiref.testing import ApplicationCommunicator


class SocketClient(ApplicationCommunicator):
    def __init__(self, application, path: str, headers: list[tuple[bytes, bytes]]):
        super().__init__(
            application,
            {"type": "websocket", "path": path, "query_string": b"", "headers": headers, "subprotocols": []},
        )

    async def connect(self, timeout: float = 5) -> tuple[bool, int | None]:
        await self.send_input({"type": "websocket.connect"})
        response = await self.receive_output(timeout)
        if response["type"] == "websocket.close":
            return False, response.get("code")
        assert response["type"] == "websocket.accept", response
        return True, None

    async def send_json_to(self, data) -> None:
        await self.send_input({"type": "websocket.receive", "text": json.dumps(data)})

    async def receive_json_from(self, timeout: float = 5):
        response = await self.receive_output(timeout)
        assert response["type"] == "websocket.send", response
        return json.loads(response["text"])

    async def disconnect(self, code: int = 1000, timeout: float = 5) -> None:
        await self.send_input({"type": "websocket.disconnect", "code": code})
        with contextlib.suppress(TimeoutError):
            await self.wait(timeout)
