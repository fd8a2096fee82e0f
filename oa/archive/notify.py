"""Who is told what about the archive: the one place to wire to the notification centre.

oa.notifications is not part of this release; until it is, `tell` writes each notice to the
`oa.archive.notices` log (with the unit's schema) so that nothing is sent silently nowhere.
Callers queue it with transaction.on_commit, so a refused action tells nobody.
"""

from __future__ import annotations

import logging

from django.db import connection

logger = logging.getLogger("oa.archive.notices")


def tell(user_ids: list[int], *, event: str, summary: str, link: str = "") -> None:
    for user_id in sorted(set(user_ids)):
        logger.info(
            "notice to user %s in %s: %s (%s) %s", user_id, connection.schema_name, summary, event, link
        )
