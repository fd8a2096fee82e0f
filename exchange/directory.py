"""The exchange directory (交换目录): every platform unit, the external units known by code, and
the provider's groups; resolving what a sender picked into recipients.

Platform units are mirrored from the registry (tenants.Unit) into Party rows so that groups and
deliveries can point at one table; `sync_platform_units` keeps the mirror current in a few
queries and is called wherever the directory is read for sending.
"""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.db.models import Q, QuerySet

from exchange.models import Party, PartyGroup
from oa.core.errors import ActionError, ErrorCode
from tenants.models import Unit


def local_network() -> str:
    return settings.OA_EXCHANGE_NETWORK


def sync_platform_units() -> None:
    """Mirror the registry: a Party per unit (name and kind follow the unit); a party whose unit
    was deleted stays (deliveries name it) but is no longer active."""
    units = list(Unit.objects.exclude(schema_name="public").values_list("pk", "code", "name", "kind"))
    mirrored = Q(unit__isnull=False) | (~Q(kind=Party.EXTERNAL) & Q(active=True))
    parties = {p.code: p for p in Party.objects.filter(mirrored | Q(code__in=[u[1] for u in units]))}
    network = local_network()
    create, update = [], []
    for pk, code, name, kind in units:
        party = parties.pop(code, None)
        if party is None:
            create.append(Party(code=code, name=name, kind=kind, unit_id=pk, network=network))
        elif (party.unit_id, party.name, party.kind, party.network, party.active) != (
            pk,
            name,
            kind,
            network,
            True,
        ):
            party.unit_id, party.name, party.kind, party.network, party.active = pk, name, kind, network, True
            update.append(party)
    if create:
        Party.objects.bulk_create(create, ignore_conflicts=True)
    if update:
        Party.objects.bulk_update(update, ["unit", "name", "kind", "network", "active"])
    # Parties left over mirrored units that are gone (the FK was set to NULL on deletion).
    gone = [p.pk for p in parties.values() if p.unit_id is not None or p.kind != Party.EXTERNAL]
    if gone:
        Party.objects.filter(pk__in=gone).update(active=False, unit=None)


def party_of_unit(unit: Unit) -> Party:
    party = Party.objects.filter(unit=unit).first()
    if party is None:
        sync_platform_units()
        party = Party.objects.get(unit=unit)
    return party


def current_party() -> Party:
    """The party of the unit whose host (schema) this request or task is on."""
    schema = connection.schema_name
    tenant = getattr(connection, "tenant", None)
    unit = tenant if isinstance(tenant, Unit) else Unit.objects.filter(schema_name=schema).first()
    if unit is None or unit.schema_name == "public" or unit.schema_name != schema:
        raise ActionError(ErrorCode.NOT_FOUND, "交换中心只为单位服务。", status=404)
    return party_of_unit(unit)


def is_remote(party: Party) -> bool:
    """Reached through a gateway: not a unit on this platform."""
    return party.unit_id is None


def group_members(group: PartyGroup) -> QuerySet[Party]:
    kinds = [k for k in group.unit_kinds or [] if isinstance(k, str)]
    condition = Q(groups=group)
    if kinds:
        condition |= Q(unit__isnull=False, kind__in=kinds)
    return Party.objects.filter(condition, active=True).distinct().order_by("code")


def resolve_recipients(codes: list[str], group_codes: list[str], *, sender: Party) -> list[Party]:
    """The parties to deliver to: the units named plus the groups' members, each once, without
    the sender itself. Unknown or inactive codes are refused by name."""
    codes = [str(c).strip() for c in codes or [] if str(c).strip()]
    group_codes = [str(c).strip() for c in group_codes or [] if str(c).strip()]
    if not codes and not group_codes:
        raise ActionError(ErrorCode.REQUIRED, "请选择收文单位或单位组。", field="recipients")
    found = {p.code: p for p in Party.objects.filter(code__in=codes, active=True)}
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise ActionError(
            ErrorCode.INVALID, f"交换目录中没有这些单位：{'、'.join(unknown[:10])}。", field="recipients"
        )
    if sender.code in found:
        raise ActionError(ErrorCode.INVALID, "不能发送给本单位自己。", field="recipients")
    groups = {g.code: g for g in PartyGroup.objects.filter(code__in=group_codes)}
    missing = [c for c in group_codes if c not in groups]
    if missing:
        raise ActionError(ErrorCode.INVALID, f"没有这些单位组：{'、'.join(missing[:10])}。", field="groups")
    chosen: dict[str, Party] = dict(found)
    for code in group_codes:
        for party in group_members(groups[code]):
            if party.code != sender.code:
                chosen.setdefault(party.code, party)
    if not chosen:
        raise ActionError(ErrorCode.INVALID, "所选单位组中没有本单位以外的单位。", field="groups")
    return sorted(chosen.values(), key=lambda p: p.code)
