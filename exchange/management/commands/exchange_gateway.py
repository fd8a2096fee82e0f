"""This deployment's gateway key, and trusting the other network's (done once, out of band)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from exchange import keys


class Command(BaseCommand):
    help = "Show this deployment's gateway public key, or trust another network's (--trust NETWORK KEY)."

    def add_arguments(self, parser):
        parser.add_argument("--trust", nargs=2, metavar=("NETWORK", "PUBLIC_KEY"), help="trust a peer's key")

    def handle(self, *args, trust=None, **options):
        if trust:
            network, public = trust
            if network == settings.OA_EXCHANGE_NETWORK:
                raise CommandError("a peer is on another network than this deployment's")
            try:
                row = keys.trust_gateway(network, public)
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"trusted gateway {network}: key {row.key_id}")
            return
        key_id, private = keys.own_gateway_key()
        self.stdout.write(f"network:    {settings.OA_EXCHANGE_NETWORK}")
        self.stdout.write(f"key id:     {key_id}")
        self.stdout.write(f"public key: {keys.b64(keys.public_raw(private))}")
