"""Gauges read at scrape time: figures the database or the broker already hold (reminders waiting, the last
roll-up, queue lengths), read when Prometheus asks rather than kept up to date by every write.

An app that has such a figure registers it from its AppConfig.ready() (docs/architecture.md: registries),
so this package never imports an app:

    register_gauge("mentorhub_reminders_pending", "Reminders not sent yet.", reminders_pending, labels=("due",))

`read()` returns one number, or a dict of label values (a tuple, one per label) to numbers; None leaves the
gauge without a sample. A read that fails on the database or Redis leaves that gauge out of the scrape, says
so in `mentorhub_metrics_gauge_up`, and never fails the others.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from django.db import DatabaseError
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

Reading = float | int | Mapping[tuple[str, ...], float | int] | None


@dataclass(frozen=True)
class ScrapeGauge:
    name: str
    documentation: str
    read: Callable[[], Reading]
    labels: tuple[str, ...] = ()


_gauges: dict[str, ScrapeGauge] = {}


def register_gauge(name: str, documentation: str, read: Callable[[], Reading], *, labels: tuple[str, ...] = ()) -> None:
    """Idempotent by name (ready() may run twice in tests); a second, different reader for a name is a mistake."""
    gauge = ScrapeGauge(name, documentation, read, tuple(labels))
    existing = _gauges.get(name)
    if existing is not None and existing.read is not read:
        raise ValueError(f"The gauge {name} is registered already, with another reader.")
    _gauges[name] = gauge


def registered_gauges() -> list[ScrapeGauge]:
    return list(_gauges.values())


class ScrapeGaugeCollector(Collector):
    """Reads every registered gauge when the registry is collected (once per scrape)."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        up = GaugeMetricFamily(
            "mentorhub_metrics_gauge_up",
            "1 when the gauge could be read in this scrape, 0 when it failed.",
            labels=["gauge"],
        )
        for gauge in registered_gauges():
            try:
                reading = gauge.read()
            except (DatabaseError, RedisError, OSError) as exc:
                log.warning("The gauge %s could not be read: %s", gauge.name, exc.__class__.__name__)
                up.add_metric([gauge.name], 0)
                continue
            up.add_metric([gauge.name], 1)
            family = GaugeMetricFamily(gauge.name, gauge.documentation, labels=list(gauge.labels))
            if isinstance(reading, Mapping):
                for label_values, value in reading.items():
                    family.add_metric(list(label_values), float(value))
            elif reading is not None:
                family.add_metric([], float(reading))
            yield family
        yield up

    def describe(self) -> Iterator[GaugeMetricFamily]:
        return iter(())  # read only at scrape time, never at registration
