"""A circuit breaker for the search server, so a slow or dead one costs only search.

Closed: calls go through. After `failures` unavailable answers in a row it opens: calls
are refused at once (the caller lists from SQL) for `cooldown` seconds. Then it is half
open: one call goes through as a probe while the others are still refused; its success
closes the breaker, its failure opens it for another cool-down. Shared by all threads.
"""

import threading
import time
from collections.abc import Callable
from typing import TypeVar

from app.search.errors import SearchUnavailable

T = TypeVar("T")


class SearchPaused(SearchUnavailable):
    """Refused without asking the server: it failed repeatedly and is cooling down."""


class CircuitBreaker:
    def __init__(
        self, failures: int, cooldown: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._threshold = failures
        self._cooldown = cooldown
        self._clock = clock
        self._lock = threading.Lock()
        self._failures = 0
        self._opened_at: float | None = None
        self._probing = False

    @property
    def is_open(self) -> bool:
        """True while calls are refused (half open with a probe out counts as open)."""
        with self._lock:
            if self._opened_at is None:
                return False
            return self._probing or self._clock() - self._opened_at < self._cooldown

    def call(self, fn: Callable[[], T]) -> T:
        """`fn()` unless the breaker is open; SearchUnavailable from it counts as a failure.

        Any other outcome, an error included, means the server answered: a success here.
        """
        self._admit()
        try:
            result = fn()
        except SearchUnavailable:
            self._failed()
            raise
        except BaseException:
            self._succeeded()
            raise
        self._succeeded()
        return result

    def _admit(self) -> None:
        with self._lock:
            if self._opened_at is None:
                return
            if not self._probing and self._clock() - self._opened_at >= self._cooldown:
                self._probing = True  # this call is the one probe
                return
        raise SearchPaused("search paused after repeated failures")

    def _succeeded(self) -> None:
        with self._lock:
            self._failures, self._opened_at, self._probing = 0, None, False

    def _failed(self) -> None:
        with self._lock:
            self._failures += 1
            if self._probing or self._failures >= self._threshold:
                self._opened_at = self._clock()
            self._probing = False
