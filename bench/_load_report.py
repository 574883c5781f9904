"""bench/load.py's figures: one table per phase and the summary against issue 13's targets; the sign-in check."""

from __future__ import annotations

import http.client
import re
from dataclasses import dataclass, field
from urllib.parse import urlparse

TARGET_RATIO = 0.5
TARGET_P95_MS = 100
DEMO_SIGN_INS = ("member@acme.example", "mentor@acme.example", "admin@acme.example", "stakeholder@acme.example")
DEMO_PASSWORD = "mentorhub-demo"  # noqa: S105 - the demo's published password (demo/accounts.py)


@dataclass
class Row:
    name: str
    requests: int
    failures: int
    rps: float
    p50: float
    p95: float
    p99: float
    max: float


@dataclass
class PhaseResult:
    title: str
    users: int
    elapsed: float
    rows: list[Row]
    total: Row
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # occurrences, request name, error
    server_cpu: float = 0.0
    loadgen_cpu: float = 0.0

    @classmethod
    def from_stats(cls, title: str, stats, *, users: int, elapsed: float, server_cpu: float, loadgen_cpu: float):
        def row(name: str, entry) -> Row:
            return Row(
                name=name,
                requests=entry.num_requests,
                failures=entry.num_failures,
                rps=entry.num_requests / elapsed,
                p50=entry.get_response_time_percentile(0.5) or 0,
                p95=entry.get_response_time_percentile(0.95) or 0,
                p99=entry.get_response_time_percentile(0.99) or 0,
                max=entry.max_response_time or 0,
            )

        rows = sorted(
            (row(entry.name, entry) for entry in stats.entries.values() if entry.num_requests),
            key=lambda r: -r.requests,
        )
        errors = sorted(((e.occurrences, e.name, str(e.error)) for e in stats.errors.values()), reverse=True)
        return cls(title, users, elapsed, rows, row("all requests", stats.total), errors, server_cpu, loadgen_cpu)

    @property
    def cpu_ms_per_request(self) -> float:
        return 1000 * self.server_cpu / self.total.requests if self.total.requests else 0.0


def _line(row: Row) -> str:
    return (
        f"  {row.name:<40} {row.requests:>7} {row.failures:>6} {row.rps:>8.1f} "
        f"{row.p50:>6.0f} {row.p95:>6.0f} {row.p99:>6.0f} {row.max:>7.0f}"
    )


def print_phase(result: PhaseResult) -> None:
    print(result.title)
    print(
        f"  {'endpoint':<40} {'reqs':>7} {'errors':>6} {'req/s':>8} {'p50':>6} {'p95':>6} {'p99':>6} {'max':>7}  (ms)"
    )
    for row in result.rows:
        print(_line(row))
    print(_line(result.total))
    print(
        f"  measured {result.elapsed:.0f} s; server CPU {result.cpu_ms_per_request:.1f} ms per request "
        f"({result.server_cpu / result.elapsed:.2f} cores busy); "
        f"load generator {result.loadgen_cpu / result.elapsed:.2f} cores"
    )
    for occurrences, name, error in result.errors[:10]:
        print(f"  ERROR x{occurrences}: {name}: {error[:160]}")
    print(flush=True)


def print_summary(results: list[PhaseResult], problems: list[str]) -> bool:
    """Print the headline figures; return True when anything failed (errors, or the server logged problems)."""
    by_phase = {r.title.split(".")[0]: r for r in results}
    ceiling, peak, latency, floor = (by_phase.get(number) for number in ("1", "2", "3", "4"))
    print("Summary")
    if ceiling:
        print(f"  ceiling (trivial endpoint):          {ceiling.total.rps:8.1f} req/s")
    if peak:
        print(
            f"  mix peak throughput:                {peak.total.rps:8.1f} req/s "
            f"(server CPU {peak.cpu_ms_per_request:.1f} ms per request)"
        )
    if ceiling and peak and ceiling.total.rps:
        ratio = peak.total.rps / ceiling.total.rps
        verdict = "met" if ratio >= TARGET_RATIO else "NOT met"
        print(f"  mix peak / ceiling:                 {ratio:8.2f}     (target >= {TARGET_RATIO}: {verdict})")
    if ceiling and floor and ceiling.total.rps:
        print(
            f"  signed-in floor / ceiling:          {floor.total.rps / ceiling.total.rps:8.2f}     "
            f"({floor.total.rps:.1f} req/s, server CPU {floor.cpu_ms_per_request:.1f} ms per request: "
            "no mix of signed-in pages goes above it)"
        )
    if latency:
        t = latency.total
        verdict = "met" if t.p95 <= TARGET_P95_MS else "NOT met"
        print(
            f"  mix at {latency.users} users: {t.rps:.1f} req/s, p50 {t.p50:.0f} ms, p95 {t.p95:.0f} ms, "
            f"p99 {t.p99:.0f} ms (target p95 <= {TARGET_P95_MS} ms: {verdict})"
        )
    errors = sum(r.total.failures for r in results)
    print(f"  errors in all phases:               {errors:8d}     (target 0)")
    locked = [line for line in problems if "database is locked" in line]
    print(f"  server log: {len(problems)} problem line(s), {len(locked)} 'database is locked'")
    for line in problems[:10]:
        print(f"    {line[:200]}")
    return errors > 0 or bool(problems)


def signin_check(base_url: str) -> str:
    """Sign in through the real form (allauth) with each demo account and open its organization's home page."""
    ok = []
    for email in DEMO_SIGN_INS:
        try:
            ok.append(_sign_in(base_url, email))
        except (AssertionError, OSError, http.client.HTTPException) as error:
            return f"FAILED for {email}: {error}"
    return f"{sum(ok)}/{len(DEMO_SIGN_INS)} signed in and saw their organization's home page"


def _sign_in(base_url: str, email: str) -> bool:
    host = urlparse(base_url).netloc
    # As the load balancer forwards it (TLS ended there): production settings then trust the secure cookies.
    common = {"X-Forwarded-Proto": "https", "Referer": f"https://{host}/accounts/login/"}
    cookies: dict[str, str] = {}

    def send(method: str, path: str, body: str | None = None) -> http.client.HTTPResponse:
        connection = http.client.HTTPConnection(host, timeout=30)
        headers = {**common, "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        response.body = response.read()  # type: ignore[attr-defined]
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            cookies[name.strip()] = rest.split(";", 1)[0]
        connection.close()
        return response

    page = send("GET", "/accounts/login/")
    assert page.status == 200, f"sign-in page answered {page.status}"
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)  # type: ignore[attr-defined]
    assert token, "no CSRF token on the sign-in page"
    from urllib.parse import urlencode

    form = urlencode({"login": email, "password": DEMO_PASSWORD, "csrfmiddlewaretoken": token.group(1).decode()})
    signed = send("POST", "/accounts/login/", form)
    assert signed.status == 302, f"sign-in answered {signed.status}"
    home = send("GET", "/o/acme/")
    assert home.status == 200, f"organization home answered {home.status}"
    return True
