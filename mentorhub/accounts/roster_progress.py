"""Live progress of a running roster import, kept in the cache.

The apply runs inside one transaction, so its writes (processed_rows included) are invisible to other
connections until it commits. The task therefore publishes its progress to the cache, under a key that
carries the organization id and the import id, and status reads prefer the cache while it runs.
"""

from __future__ import annotations

import logging

from django.core.cache import cache

from .models import RosterImport

logger = logging.getLogger(__name__)

# Long enough for the slowest import; the key is deleted when the import finishes anyway.
PROGRESS_TTL_SECONDS = 60 * 60


def progress_key(*, organization_id: int, import_id: int) -> str:
    return f"roster_import:{organization_id}:{import_id}:processed_rows"


def publish(*, organization_id: int, import_id: int, processed_rows: int) -> None:
    key = progress_key(organization_id=organization_id, import_id=import_id)
    try:
        cache.set(key, processed_rows, PROGRESS_TTL_SECONDS)
    except Exception:  # the figure is a courtesy: a cache that is away (Redis restarting) must not fail the import
        logger.warning("Roster import %s: progress not published (cache unavailable)", import_id)


def clear(*, organization_id: int, import_id: int) -> None:
    try:
        cache.delete(progress_key(organization_id=organization_id, import_id=import_id))
    except Exception:  # expires by itself (PROGRESS_TTL_SECONDS); status reads ignore it once the import is done
        logger.warning("Roster import %s: progress not cleared (cache unavailable)", import_id)


def apply_live_progress(imports: list[RosterImport]) -> None:
    """Overwrite `processed_rows` of the running imports in place with the figure from the cache."""
    running = [imp for imp in imports if imp.status == RosterImport.Status.RUNNING]
    if not running:
        return
    keys = {progress_key(organization_id=imp.organization_id, import_id=imp.pk): imp for imp in running}
    for key, value in cache.get_many(list(keys)).items():
        keys[key].processed_rows = min(int(value), keys[key].total_rows)
