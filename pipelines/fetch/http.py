"""One polite HTTP client for the public APIs: timeouts, capped retries with backoff, every request logged.

- ``429 Too Many Requests``: wait what ``Retry-After`` says (seconds or an HTTP date), else back off;
- ``500``, ``502``, ``503``, ``504``, a dropped connection, a timeout, a body cut short (fewer bytes than
  ``Content-Length``) or, where JSON is expected, a body that is not JSON: back off and try again;
- backoff doubles from ``backoff`` seconds with jitter (half fixed, half random), never more than
  ``max_wait``, at most ``attempts`` tries; then one ``FetchError`` line naming the address and why;
- any other status (400, 404, ...) is not retried: the service has answered, the request is wrong;
- requests are spaced at least ``min_interval`` seconds apart (a service's published rate limit);
- every request is logged to the ``vardpuls`` logger with its address, and kept in ``attempts``.

Standard library only (urllib), so fetching needs nothing the warehouse does not already have.
"""

from __future__ import annotations

import email.utils
import http.client
import json
import logging
import random
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any, Callable

log = logging.getLogger("vardpuls")

USER_AGENT = "vardpuls-fetch/0.1 (indicator warehouse for Swedish regions; polite client: backoff on 429)"
RETRIED_STATUSES = {
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}
# A machine without a network should hear so quickly, not after a minute of backoff.
CONNECT_ATTEMPTS = 2


class FetchError(RuntimeError):
    """A request that could not be completed: one line naming the address and what went wrong."""

    def __init__(self, message: str, url: str, status: int | None = None):
        self.url, self.status = url, status
        super().__init__(message)


@dataclass
class Attempt:
    """One request sent (or tried): what was asked, what came back and what the client did about it."""

    method: str
    url: str
    status: int | None
    outcome: str  # ok, retried, failed
    note: str = ""
    waited: float = 0.0  # seconds waited before the next attempt
    size: int = 0  # bytes received


@dataclass
class Response:
    url: str
    status: int
    body: bytes
    headers: dict[str, str]
    attempts: int
    data: Any = None  # the parsed JSON where JSON was expected


class PoliteClient:
    """Sends GET and POST requests to one service, politely; see the module docstring."""

    def __init__(
        self,
        service: str,
        *,
        timeout: float = 60.0,
        attempts: int = 5,
        backoff: float = 1.0,
        max_wait: float = 60.0,
        min_interval: float = 0.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        jitter: Callable[[], float] = random.random,
    ):
        if attempts < 1:
            raise ValueError("attempts must be 1 or more")
        self.service, self.timeout, self.max_attempts = service, timeout, attempts
        self.backoff, self.max_wait, self.min_interval = backoff, max_wait, min_interval
        self._sleep, self._clock, self._jitter = sleep, clock, jitter
        self._last_sent: float | None = None
        self.attempts: list[Attempt] = []

    def get(self, url: str, *, expect_json: bool = True) -> Response:
        return self._request("GET", url, None, expect_json)

    def post(self, url: str, payload: dict, *, expect_json: bool = True, describe: str = "") -> Response:
        return self._request("POST", url, json.dumps(payload).encode("utf-8"), expect_json, describe)

    # -- internals -------------------------------------------------------------------------------------

    def _request(self, method: str, url: str, data: bytes | None, expect_json: bool, describe: str = "") -> Response:
        attempt = 0
        while True:
            attempt += 1
            self._pace()
            log.info("%s %s %s%s", self.service, method, url, f" ({describe})" if describe else "")
            status, headers, body, problem, connect_failure = self._send(method, url, data)
            parsed = None
            if problem is None and status is not None and status < 300 and expect_json:
                try:
                    parsed = json.loads(body.decode("utf-8-sig"))
                except (UnicodeDecodeError, json.JSONDecodeError) as error:
                    problem = (
                        f"the body is not valid JSON ({_json_reason(error)}; {len(body):,} bytes received): "
                        "cut short or garbled"
                    )
            if problem is None and status is not None and status < 300:
                self.attempts.append(Attempt(method, url, status, "ok", size=len(body)))
                return Response(url, status, body, headers, attempt, parsed)
            if problem is None and status not in RETRIED_STATUSES:
                detail = _detail(body)
                self.attempts.append(Attempt(method, url, status, "failed", detail, size=len(body)))
                raise FetchError(
                    f"{self.service} answered HTTP {status}{': ' + detail if detail else ''} for {method} {url}",
                    url,
                    status,
                )
            reason = problem or f"HTTP {status} {RETRIED_STATUSES[status]}"
            limit = min(self.max_attempts, CONNECT_ATTEMPTS) if connect_failure else self.max_attempts
            if attempt >= limit:
                self.attempts.append(Attempt(method, url, status, "failed", reason, size=len(body)))
                raise FetchError(
                    f"{self.service}: {method} {url} failed after {attempt} attempt"
                    f"{'s' if attempt > 1 else ''}: {reason}",
                    url,
                    status,
                )
            wait, why = self._wait(attempt, status, headers)
            self.attempts.append(Attempt(method, url, status, "retried", reason, wait, len(body)))
            log.warning(
                "%s: %s (%s); waiting %.1f s%s before attempt %d of %d",
                self.service,
                reason,
                url,
                wait,
                why,
                attempt + 1,
                limit,
            )
            self._sleep(wait)

    def _send(self, method: str, url: str, data: bytes | None):
        """(status, headers, body, problem, connect_failure): problem is a transient failure to retry."""
        request = urllib.request.Request(
            url,
            data=data,
            method=method,
            headers={
                "User-Agent": USER_AGENT,
                "Accept": "application/json, text/csv;q=0.9, */*;q=0.5",
                **({"Content-Type": "application/json"} if data is not None else {}),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                return answer.status, dict(answer.headers.items()), answer.read(), None, False
        except urllib.error.HTTPError as error:
            try:
                body = error.read()
            except (http.client.IncompleteRead, OSError):
                body = b""
            return error.code, dict(error.headers.items()) if error.headers else {}, body, None, False
        except http.client.IncompleteRead as error:
            return (
                None,
                {},
                bytes(error.partial),
                (
                    f"the body was cut short ({len(error.partial):,} bytes of "
                    f"{len(error.partial) + (error.expected or 0):,})"
                ),
                False,
            )
        except urllib.error.URLError as error:
            reason = error.reason
            connect = isinstance(reason, (socket.gaierror, ConnectionRefusedError, OSError)) and not isinstance(
                reason, (TimeoutError, socket.timeout)
            )
            return None, {}, b"", f"cannot connect ({_reason(reason)})", connect
        except (TimeoutError, socket.timeout):
            return None, {}, b"", f"no answer within {self.timeout:g} s", False
        except (ConnectionError, http.client.HTTPException, OSError) as error:
            return None, {}, b"", f"the connection failed ({_reason(error)})", False

    def _pace(self) -> None:
        if self._last_sent is not None and self.min_interval > 0:
            gap = self.min_interval - (self._clock() - self._last_sent)
            if gap > 0:
                self._sleep(gap)
        self._last_sent = self._clock()

    def _wait(self, attempt: int, status: int | None, headers: dict[str, str]) -> tuple[float, str]:
        if status == 429:
            after = _retry_after({k.lower(): v for k, v in headers.items()}.get("retry-after"))
            if after is not None:
                return min(
                    after, self.max_wait
                ), " (Retry-After)" if after <= self.max_wait else f" (Retry-After said {after:g} s; capped)"
        ceiling = min(self.max_wait, self.backoff * 2 ** (attempt - 1))
        return ceiling / 2 + self._jitter() * ceiling / 2, ""


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _detail(body: bytes) -> str:
    """What an error body says: a problem document's detail/title or message, else its first line."""
    text = body.decode("utf-8", errors="replace").strip()
    try:
        doc = json.loads(text)
    except json.JSONDecodeError:
        doc = None
    if isinstance(doc, dict):
        parts = [str(doc[k]) for k in ("title", "detail", "message", "error") if doc.get(k)]
        if parts:
            return "; ".join(dict.fromkeys(parts))
    first = text.splitlines()[0] if text else ""
    return first[:200]


def _json_reason(error: Exception) -> str:
    if isinstance(error, json.JSONDecodeError):
        return f"{error.msg} at character {error.pos:,}"
    return str(error)


def _reason(reason: object) -> str:
    text = getattr(reason, "strerror", None) or str(reason)
    return text.strip() or reason.__class__.__name__
