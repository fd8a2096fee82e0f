"""Ed25519 keys: each platform unit's signing key and this deployment's gateway key (ADR 0012).

A unit never holds its private key: the hub generates it on the unit's first send and keeps it
sealed with AES-256-GCM under a key derived (HKDF-SHA256) from OA_EXCHANGE_KEY_SECRET, falling
back to SECRET_KEY. The sealed blob is bound to its party and key id (the GCM associated data),
so a row copied onto another party does not open. Signing happens only inside the hub's actions,
on behalf of a signed-in member of the unit with the right to send.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import os

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat
from django.conf import settings
from django.db import IntegrityError, connection, transaction

from exchange.models import GatewayKey, Party, SigningKey


class KeyUnavailable(Exception):
    """The sealed private key cannot be opened (the secret changed) or does not exist."""


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def key_id_of(public_raw: bytes) -> str:
    return hashlib.sha256(public_raw).hexdigest()[:32]


def public_raw(private: Ed25519PrivateKey) -> bytes:
    return private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


@functools.cache
def _sealing_key(secret: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"govoa-exchange-v1", info=b"signing keys").derive(
        secret.encode("utf-8")
    )


def _secret() -> str:
    return getattr(settings, "OA_EXCHANGE_KEY_SECRET", "") or settings.SECRET_KEY


def seal(private: Ed25519PrivateKey, *, bound_to: str) -> str:
    raw = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    nonce = os.urandom(12)
    return b64(nonce + AESGCM(_sealing_key(_secret())).encrypt(nonce, raw, bound_to.encode("utf-8")))


def unseal(sealed: str, *, bound_to: str) -> Ed25519PrivateKey:
    try:
        blob = unb64(sealed)
        raw = AESGCM(_sealing_key(_secret())).decrypt(blob[:12], blob[12:], bound_to.encode("utf-8"))
    except Exception as exc:  # InvalidTag, bad base64: either way the key is unusable here
        raise KeyUnavailable("the sealed private key cannot be opened with this deployment's secret") from exc
    return Ed25519PrivateKey.from_private_bytes(raw)


def _binding(code: str, key_id: str) -> str:
    return f"party:{code}:{key_id}"


# --- unit signing keys --------------------------------------------------------------------------


def signing_key_for(party: Party) -> tuple[str, Ed25519PrivateKey]:
    """(key id, private key) of the party's current key, made on first use.

    A current key that no longer opens (the secret was rotated without re-sealing) is retired
    and a new one made: packages signed with the old key still verify with its public half.
    """
    for _attempt in range(3):
        current = SigningKey.objects.filter(party=party, retired_at__isnull=True).exclude(
            private_key_sealed=""
        )
        row = current.first()
        if row is not None:
            try:
                return row.key_id, unseal(row.private_key_sealed, bound_to=_binding(party.code, row.key_id))
            except KeyUnavailable:
                from django.utils import timezone

                SigningKey.objects.filter(pk=row.pk).update(retired_at=timezone.now())
                continue
        private = Ed25519PrivateKey.generate()
        public = public_raw(private)
        key_id = key_id_of(public)
        try:
            # A savepoint: two first sends of one unit at once both try; the constraint keeps one.
            with transaction.atomic():
                SigningKey.objects.create(
                    party=party,
                    key_id=key_id,
                    public_key=b64(public),
                    private_key_sealed=seal(private, bound_to=_binding(party.code, key_id)),
                )
        except IntegrityError:
            continue
        return key_id, private
    raise KeyUnavailable(f"no signing key could be made for {party.code}")


def verifying_key(key_id: str) -> tuple[str, Ed25519PublicKey] | None:
    """(party code, public key) for a key id the hub knows, retired or not."""
    row = SigningKey.objects.select_related("party").filter(key_id=key_id).first()
    if row is None:
        return None
    return row.party.code, Ed25519PublicKey.from_public_bytes(unb64(row.public_key))


def pin_foreign_key(party: Party, public_text: str) -> SigningKey:
    """Record the public key of a party behind a gateway (from a trusted peer's signed bundle).
    The same key again is a no-op; a key id is never reassigned to another party."""
    raw = unb64(public_text)
    if len(raw) != 32:
        raise ValueError("an Ed25519 public key is 32 bytes")
    key_id = key_id_of(raw)
    row, _created = SigningKey.objects.get_or_create(
        key_id=key_id, defaults={"party": party, "public_key": b64(raw)}
    )
    if row.party_id != party.pk:
        raise ValueError(f"key {key_id} belongs to {row.party.code}, not {party.code}")
    return row


def public_key_text(key_id: str) -> str:
    return SigningKey.objects.values_list("public_key", flat=True).get(key_id=key_id)


def verify(public: Ed25519PublicKey, signature: bytes, message: bytes) -> bool:
    try:
        public.verify(signature, message)
    except InvalidSignature:
        return False
    return True


# --- gateway keys -------------------------------------------------------------------------------


def own_gateway_key() -> tuple[str, Ed25519PrivateKey]:
    """This deployment's bundle-signing key, made on first use."""
    network = settings.OA_EXCHANGE_NETWORK
    row = GatewayKey.objects.filter(own=True, network=network).order_by("-created_at").first()
    if row is not None:
        return row.key_id, unseal(row.private_key_sealed, bound_to=f"gateway:{network}:{row.key_id}")
    with transaction.atomic():
        # Two first uses at once (the console page opened twice) must not make two keys: the
        # other side trusts one of them.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"govoa-gateway-key:{network}"])
        row = GatewayKey.objects.filter(own=True, network=network).order_by("-created_at").first()
        if row is not None:
            return row.key_id, unseal(row.private_key_sealed, bound_to=f"gateway:{network}:{row.key_id}")
        private = Ed25519PrivateKey.generate()
        public = public_raw(private)
        key_id = key_id_of(public)
        GatewayKey.objects.create(
            network=network,
            own=True,
            key_id=key_id,
            public_key=b64(public),
            private_key_sealed=seal(private, bound_to=f"gateway:{network}:{key_id}"),
        )
    return key_id, private


def trust_gateway(network: str, public_text: str) -> GatewayKey:
    """Trust a peer deployment's bundle key (exchanged out of band when the gateway is set up)."""
    raw = unb64(public_text)
    if len(raw) != 32:
        raise ValueError("an Ed25519 public key is 32 bytes")
    row, _ = GatewayKey.objects.get_or_create(
        key_id=key_id_of(raw), defaults={"network": network, "public_key": b64(raw)}
    )
    return row


def trusted_gateway_key(key_id: str) -> tuple[str, Ed25519PublicKey] | None:
    row = GatewayKey.objects.filter(key_id=key_id, own=False).first()
    if row is None:
        return None
    return row.network, Ed25519PublicKey.from_public_bytes(unb64(row.public_key))
