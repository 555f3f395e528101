"""The one HTTP client every outside API is read through.

Polite by construction: a timeout on every request, a User-Agent that says who we are, at
most `http_max_concurrency` requests under way at once, and retries with backoff on
timeouts, dropped connections, 429 and 5xx (a 429's Retry-After is honoured). Every wait is
capped and the sleep function is injectable, so tests exercise the retries without sleeping.
Anything that still fails becomes an IngestFailed naming the request URL; an answer saying the
address is retired for good (HTTP 410, or an error that says so) becomes `Gone`, so a client
can tell the person which setting to change.
"""

import email.utils
import json
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential_jitter,
)
from tenacity.wait import wait_base

from app.settings import Settings
from ingest.errors import IngestFailed, InputError


@dataclass
class RetryPolicy:
    attempts: int = 4
    max_wait: float = 30.0  # seconds; caps every wait, a server's Retry-After included
    backoff: wait_base = field(default_factory=lambda: wait_exponential_jitter(initial=1, max=20))
    sleep: Callable[[float], None] = time.sleep


@dataclass(frozen=True)
class Fetched:
    url: str  # the full request URL, query included: what a stored figure cites
    data: Any


class _RetryableStatus(Exception):
    def __init__(self, response: httpx.Response) -> None:
        super().__init__(f"HTTP {response.status_code}")
        self.status = response.status_code
        self.retry_after = _retry_after(response.headers.get("Retry-After"))


class Gone(IngestFailed):
    """The server says this address, typically an API version, is retired for good."""

    def __init__(self, url: str, message: str) -> None:
        super().__init__([InputError(url, None, None, message)])
        self.url = url


# How servers word a retirement (English and Swedish): "v2 has been retired", "deprecated",
# "sunset", "shut down", "no longer available", "avvecklad".
_RETIRED = re.compile(
    r"retired|deprecated|decommissioned|sunset|shut ?down|no longer (?:available|supported)"
    r"|avveckla",
    re.IGNORECASE,
)


def says_retired(text: str) -> bool:
    """Whether an answer's text says the API (version) has been retired."""
    return bool(_RETIRED.search(text))


def _retryable(exc: BaseException) -> bool:
    return isinstance(exc, _RetryableStatus | httpx.TimeoutException | httpx.TransportError)


class HttpClient:
    def __init__(
        self,
        settings: Settings,
        *,
        policy: RetryPolicy | None = None,
        headers: Mapping[str, str] | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.policy = policy or RetryPolicy()
        self.timeout = settings.http_timeout_seconds
        self._client = httpx.Client(
            timeout=settings.http_timeout_seconds,
            headers={"User-Agent": settings.http_user_agent, **(headers or {})},
            follow_redirects=True,
            transport=transport,
        )
        self._slots = threading.BoundedSemaphore(max(1, settings.http_max_concurrency))
        self.max_concurrency = max(1, settings.http_max_concurrency)
        self.waits: list[float] = []  # every wait taken before a retry, in seconds

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> "HttpClient":
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def url(self, url: str, params: Mapping[str, Any] | None = None) -> str:
        return str(self._client.build_request("GET", url, params=params).url)

    def get_json(
        self, url: str, params: Mapping[str, Any] | None = None, *, missing_ok: bool = False
    ) -> Fetched | None:
        """GET and parse JSON. With `missing_ok`, a 404 means "nothing here" and gives None."""
        full = self.url(url, params)
        retrying = Retrying(
            retry=retry_if_exception(_retryable),
            stop=stop_after_attempt(self.policy.attempts),
            wait=self._wait,
            sleep=self._sleep,
            reraise=True,
        )
        try:
            response = retrying(self._get, full)
        except _RetryableStatus as exc:
            reason = "för många anrop" if exc.status == 429 else "fel hos källan"
            raise _failed(
                full, f"HTTP {exc.status} ({reason}) även efter {self.policy.attempts} försök"
            ) from exc
        except httpx.TimeoutException as exc:
            raise _failed(
                full,
                f"inget svar inom {self.timeout:g} s, {self.policy.attempts} försök",
            ) from exc
        except httpx.TransportError as exc:
            raise _failed(full, f"kunde inte nå källan ({exc.__class__.__name__})") from exc
        if response.status_code == 404 and missing_ok:
            return None
        if response.status_code == 410 or (
            response.status_code >= 400
            and ("Sunset" in response.headers or says_retired(response.text[:2000]))
        ):
            raise Gone(full, f"HTTP {response.status_code}: adressen är avvecklad hos källan")
        if response.status_code >= 400:
            raise _failed(full, f"HTTP {response.status_code}")
        try:
            data = json.loads(response.content)
        except (ValueError, UnicodeDecodeError) as exc:
            raise _failed(full, "svaret är inte giltig JSON") from exc
        return Fetched(full, data)

    def _get(self, url: str) -> httpx.Response:
        with self._slots:
            response = self._client.get(url)
        if response.status_code == 429 or response.status_code >= 500:
            raise _RetryableStatus(response)
        return response

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, _RetryableStatus) and exc.retry_after is not None:
            seconds = exc.retry_after
        else:
            seconds = self.policy.backoff(state)
        return max(0.0, min(seconds, self.policy.max_wait))

    def _sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.policy.sleep(seconds)


def same_origin(link: str, base: str) -> str:
    """A paging link, resolved against `base` and moved onto base's scheme and host.

    APIs behind proxies hand out links to their internal hosts (Skolverket's documented
    examples point at localhost:9007); following one would leave the configured server.
    """
    absolute = urlsplit(urljoin(base, link))
    origin = urlsplit(base)
    return urlunsplit((origin.scheme, origin.netloc, absolute.path, absolute.query, ""))


def _failed(url: str, message: str) -> IngestFailed:
    return IngestFailed([InputError(url, None, None, message)])


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
