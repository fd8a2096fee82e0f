"""The exchange on the console: external units, groups as address lists, the hub monitor."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from exchange import fanout
from exchange.models import Delivery, Party
from tests.conftest import HULI, SIMING
from tests.exchange.cast import JIMEI
from tests.exchange.conftest import submit


def test_the_provider_keeps_external_units_in_the_directory(provider):
    created = provider.post(
        "/api/exchange/parties/",
        {"code": "91350200MA2XN0001K", "name": "厦门市国家安全局", "network": "intranet"},
        format="json",
    )
    assert created.status_code == 201, created.content
    assert created.json() | {"platform": False, "network": "intranet"} == created.json()
    listed = {p["code"]: p for p in provider.get("/api/exchange/parties/").json()}
    assert listed[SIMING]["platform"] and listed[SIMING]["name"] == "思明区政府办公室"
    assert "91350200MA2XN0001K" in listed
    duplicate = provider.post(
        "/api/exchange/parties/", {"code": "siming", "name": "冒名", "network": "extranet"}, format="json"
    )
    assert duplicate.status_code == 409
    renamed = provider.patch(
        "/api/exchange/parties/91350200MA2XN0001K/", {"name": "市国家安全局"}, format="json"
    )
    assert renamed.json()["name"] == "市国家安全局"
    # A platform unit's entry follows the registry: not edited here.
    assert provider.patch(f"/api/exchange/parties/{SIMING}/", {"name": "x"}, format="json").status_code == 409
    assert provider.delete("/api/exchange/parties/91350200MA2XN0001K/").status_code == 204
    assert not Party.objects.filter(code="91350200MA2XN0001K").exists()


def test_groups_are_address_lists_by_kind_and_by_name(provider, client_in, clerks):
    provider.post(
        "/api/exchange/parties/",
        {"code": "nwoffice", "name": "内网市委办公厅", "network": "intranet"},
        format="json",
    )
    created = provider.post(
        "/api/exchange/groups/",
        {
            "code": "flood_control",
            "name": "防汛指挥部成员单位",
            "members": [HULI, "nwoffice"],
            "unit_kinds": [],
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    group = created.json()
    assert group["members"] == [HULI, "nwoffice"] and group["effective"] == [HULI, "nwoffice"]
    unknown = provider.patch(f"/api/exchange/groups/{group['id']}/", {"members": ["nowhere"]}, format="json")
    assert unknown.status_code == 400 and unknown.json()["field"] == "members"
    updated = provider.patch(
        f"/api/exchange/groups/{group['id']}/",
        {"unit_kinds": ["district_office"], "members": ["nwoffice"]},
        format="json",
    )
    assert set(updated.json()["effective"]) >= {HULI, JIMEI, SIMING, "nwoffice"}
    # Units address with it.
    seen = client_in(SIMING, "admin").get("/api/exchange/directory/groups/").json()
    assert "flood_control" in {g["code"] for g in seen}
    assert provider.delete(f"/api/exchange/groups/{group['id']}/").status_code == 204


def test_a_group_member_on_the_other_network_waits_for_the_gateway(provider, people, clerks, media):
    provider.post(
        "/api/exchange/parties/",
        {"code": "nwoffice", "name": "内网市委办公厅", "network": "intranet"},
        format="json",
    )
    envelope = submit(people["clerk"], recipients=[HULI, "nwoffice"])
    fanout.fan_out(envelope.pk, enqueue=lambda ids: [fanout.deliver(pk) for pk in ids])
    routes = dict(envelope.deliveries.values_list("recipient__code", "route"))
    assert routes == {HULI: "platform", "nwoffice": "gateway"}
    assert envelope.deliveries.get(recipient__code="nwoffice").state == "queued"
    monitor = provider.get("/api/exchange/monitor/").json()
    assert monitor["gateway_waiting"] == 1 and monitor["stuck"] == 0


def test_the_monitor_shows_volumes_stuck_deliveries_and_retries(provider, people, clerks, media, settings):
    settings.OA_EXCHANGE_RETRY_AFTER_SECONDS = 60
    delivered = submit(people["clerk"], groups=["district_offices"])
    fanout.fan_out(delivered.pk, enqueue=lambda ids: [fanout.deliver(pk) for pk in ids])
    lost = submit(people["clerk"], recipients=[HULI], data=None)
    fanout.fan_out(lost.pk, enqueue=lambda ids: None)  # its deliver task was lost
    Delivery.objects.filter(envelope=lost).update(created_at=timezone.now() - timedelta(minutes=5))

    monitor = provider.get("/api/exchange/monitor/?days=7").json()
    (today,) = monitor["per_day"]
    assert (today["envelopes"], today["deliveries"]) == (2, 3)
    assert monitor["by_sender"][0] == {
        "code": SIMING,
        "name": "思明区政府办公室",
        "envelopes": 2,
        "deliveries": 3,
    }
    assert {r["code"]: r["waiting"] for r in monitor["by_recipient"]} == {HULI: 1, JIMEI: 1}
    assert monitor["states"]["queued"] == 1 and monitor["stuck"] == 1 and monitor["retries"] == 0
    # The broker's own count of tasks waiting for a worker (the real broker of the test run).
    assert isinstance(monitor["queue_backlog"], int) and monitor["queue_backlog"] == fanout.broker_backlog()

    (stuck,) = provider.get("/api/exchange/deliveries/?stuck=1").json()["results"]
    assert stuck["recipient"]["code"] == HULI and stuck["state"] == "queued"
    retried = provider.post(f"/api/exchange/deliveries/{stuck['id']}/retry/", format="json")
    assert retried.status_code == 202 and retried.json()["attempts"] == 2
    fanout.deliver(stuck["id"])
    monitor = provider.get("/api/exchange/monitor/").json()
    assert monitor["retries"] == 1 and monitor["retried_deliveries"] == 1 and monitor["stuck"] == 0
    assert provider.post(f"/api/exchange/deliveries/{stuck['id']}/retry/", format="json").status_code == 409


def test_refused_packages_are_listed_for_the_provider(provider, people, clerks, media):
    import pytest

    from oa.core.errors import ActionError

    with pytest.raises(ActionError):
        submit(people["clerk"], recipients=[HULI], data=b"PK\x03\x04 broken")
    (refusal,) = provider.get("/api/exchange/refusals/").json()["results"]
    assert (refusal["stage"], refusal["code"], refusal["sender_code"]) == (
        "submit",
        "package_malformed",
        SIMING,
    )
