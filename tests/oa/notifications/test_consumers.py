"""/ws/notifications/: the handshake authenticates unit and person; pushes reach only them."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from django.db import connection, transaction
from django_tenants.utils import schema_context

from config.asgi import application
from oa.notifications.api import notify
from tests.conftest import HULI, SIMING, HostClient, user_in
from tests.oa.notifications.socket_client import SocketClient


def _socket(host: str, client: HostClient | None = None, origin: str | None = None) -> SocketClient:
    headers = [(b"host", host.encode())]
    if client is not None:
        headers.append((b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode()))
    if origin is not None:
        headers.append((b"origin", origin.encode()))
    return SocketClient(application, "/ws/notifications/", headers=headers)


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """notify() in a unit, committed as far as on_commit is concerned (the push runs)."""

    def run(code: str, username: str, title: str) -> None:
        user = user_in(code, username)
        with schema_context(code), django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            notify([user], "todo.urged", title)
        connection.set_schema_to_public()

    return database_sync_to_async(run)


def _run(scenario):
    return async_to_sync(scenario)()


def test_a_signed_in_person_gets_their_count_then_each_new_notification_live(db, send):
    director = HostClient(SIMING).login_as("director")

    async def scenario():
        socket = _socket("siming.localhost:8000", director, origin="http://siming.localhost:8000")
        connected, _ = await socket.connect()
        assert connected
        assert await socket.receive_json_from(timeout=5) == {"type": "unread", "unread": 0}
        await send(SIMING, "director", "催办：请尽快办理")
        message = await socket.receive_json_from(timeout=5)
        assert message["type"] == "notification" and message["unread"] == 1
        assert message["items"][0]["title"] == "催办：请尽快办理"
        await socket.send_json_to({"type": "ping"})
        assert await socket.receive_json_from(timeout=5) == {"type": "pong"}
        await socket.disconnect()

    _run(scenario)


def test_it_refuses_anonymous_and_the_console_host(db):
    provider = HostClient(None).login_as("provider")

    async def scenario():
        for socket in (
            _socket("siming.localhost"),
            _socket("localhost", provider),
            _socket("nowhere.localhost"),
        ):
            connected, _ = await socket.connect()
            assert not connected

    _run(scenario)


def test_a_session_of_one_unit_cannot_open_a_socket_on_another(db):
    outsider = HostClient(HULI).login_as("outsider")

    async def scenario():
        socket = _socket("siming.localhost", outsider)
        connected, _ = await socket.connect()
        assert not connected

    _run(scenario)


def test_a_page_of_another_host_cannot_open_a_socket_with_our_cookie(db):
    director = HostClient(SIMING).login_as("director")

    async def scenario():
        socket = _socket("siming.localhost", director, origin="http://huli.localhost:8000")
        connected, _ = await socket.connect()
        assert not connected

    _run(scenario)


def test_a_socket_of_one_unit_hears_nothing_of_another_units_same_user_id(db, send):
    # Both units' first accounts are "admin", with the same id in their own schemas.
    assert user_in(SIMING, "admin").pk == user_in(HULI, "admin").pk
    huli_admin = HostClient(HULI).login_as("admin")

    async def scenario():
        socket = _socket("huli.localhost", huli_admin)
        connected, _ = await socket.connect()
        assert connected
        assert await socket.receive_json_from(timeout=5) == {"type": "unread", "unread": 0}
        await send(SIMING, "admin", "思明的催办")
        assert await socket.receive_nothing(timeout=1)
        # Asking to listen elsewhere is not a thing a client can do.
        await socket.send_json_to({"type": "subscribe", "group": "notify.siming.1"})
        assert (await socket.receive_json_from(timeout=5))["type"] == "error"
        await send(SIMING, "admin", "思明的又一条催办")
        assert await socket.receive_nothing(timeout=1)
        await send(HULI, "admin", "湖里的催办")
        message = await socket.receive_json_from(timeout=5)
        assert message["items"][0]["title"] == "湖里的催办"
        await socket.disconnect()

    _run(scenario)


def test_a_logged_out_session_no_longer_opens_a_socket(db):
    director = HostClient(SIMING).login_as("director")
    director.post("/api/auth/logout/")

    async def scenario():
        connected, _ = await _socket("siming.localhost", director).connect()
        assert not connected

    _run(scenario)
