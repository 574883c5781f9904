"""What the dashboards render (the figures' HTML, the API's data, the filter form), cached for every viewer who
would get the same text.

Rendering a report's tables and charts costs more CPU than everything else a dashboard request does, and it
gives the same text for every viewer of the same variant until the report changes. A report changes only
when a roll-up lands (a new version, so a new report key: analytics/reports/builds.py) or the report is built
again (after it expired): each build draws a new `build_id`, and a rendering is used only for the build it
was made from. So nothing here needs invalidating by hand: the report itself is the version.

Every key carries the organization (its id and creation time: a database re-created with the same ids never
meets another's entries), the code that renders (a deploy that changes a template or a table's cells never
serves what the code before it rendered) and `inputs`: everything else the rendering depends on (the
viewer's role and time zone, the filters as the page links them, names read live such as the programs').
Only what is the same for every viewer of those inputs may be cached: never a CSRF token, a message or
anything of one session or request; permissions are checked before this is reached.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import get_language

from mentorhub.accounts.models import Organization

from .health import CACHE_SECONDS as HEALTH_CACHE_SECONDS
from .health import HealthReport
from .impact import ImpactFilters, ImpactReport

T = TypeVar("T")
# No longer than the report it comes from (a stale entry is never used anyway: its build is gone).
RENDERED_SECONDS = HEALTH_CACHE_SECONDS

_ANALYTICS = Path(__file__).resolve().parents[1]


@functools.cache
def code_version() -> str:
    """The templates and the Python that turn a report into text, as this process runs them."""
    files = [
        *sorted((Path(settings.BASE_DIR) / "templates" / "analytics").glob("*.html")),
        *sorted((_ANALYTICS / "views" / "dashboards").glob("*.py")),
        _ANALYTICS / "api" / "serializers" / "dashboards.py",
        _ANALYTICS / "suppression.py",  # a hidden figure's words
        _ANALYTICS / "forms.py",  # the filters' fields
    ]
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def rendered_key(organization: Organization, kind: str, inputs: Hashable) -> str:
    digest = hashlib.sha256(repr(inputs).encode()).hexdigest()[:32]
    created = int(organization.created_at.timestamp() * 1e6)
    language = get_language()  # the words of the rendering are in the viewer's language
    return f"analytics:rendered:o{organization.pk}.{created}:{code_version()}:{language}:{kind}:{digest}"


def report_rendered(
    *,
    organization: Organization,
    report: HealthReport | ImpactReport,
    variant: tuple[Hashable, ...],
    render: Callable[[], T],
) -> T:
    """What `render` makes of `report` for `variant`: from the cache when made from this very build of the
    report, else made now and cached."""
    kind = "impact" if isinstance(report.filters, ImpactFilters) else "health"
    key = rendered_key(organization, kind, (report.filters.key(), variant))
    stamp = (getattr(report, "build_id", None), report.k)
    entry = cache.get(key)
    if entry is not None and entry[0] == stamp:
        return entry[1]
    value = render()
    if stamp[0] is not None:  # a report cached before build ids existed: rendered each time until rebuilt
        cache.set(key, (stamp, value), RENDERED_SECONDS)
    return value


def inputs_rendered(
    *, organization: Organization, kind: str, inputs: Hashable, render: Callable[[], T], seconds: int
) -> T:
    """What `render` makes of `inputs` alone (everything it reads is in them): from the cache, else made now."""
    key = rendered_key(organization, kind, inputs)
    value: Any = cache.get(key)
    if value is None:
        value = render()
        cache.set(key, value, seconds)
    return value
