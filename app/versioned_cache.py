"""Values read from public data, kept in this process until the data version moves on.

The page cache (app.web.page_cache) keeps whole responses, one per address, language and
comparison basket; this keeps the parts many different responses share, so an answer that
is not cached yet (a new search, another filter, another visitor's basket, the API) reads
from SQL only what no answer has read since the last change: result cards, a provider
page's data, a kommun, a service's indicators.

The rule is the page cache's: every entry belongs to the data version it was read under
(app.data_version) and to the Swedish day, and all of them are dropped the moment a request
sees another, so nothing read before a committed change is served after it, and nothing
that says how old a figure is outlives its day. Keys are per language too: the services
translate as they read (reference labels, section titles).

One instance per app (app.state), never per module: tests run many apps on different
databases in one process, and their version numbers say nothing about each other. Values
are shared between requests and threads: they are read, never changed.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from datetime import date
from typing import Any

from sqlmodel import Session

from app.clock import today_in_sweden
from app.data_version import read_version
from app.i18n import current_lang

Stamp = tuple[int, date]  # the data version and the Swedish day


class VersionedCache:
    def __init__(self, max_entries: int) -> None:
        self._lock = threading.Lock()
        self._stamp: Stamp | None = None
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self.max_entries = max_entries  # least recently used go first; 0: nothing is kept

    def at(self, session: Session, version: int | None = None) -> "CacheView":
        """The cache as of the data version and today, read when the request first uses it
        (one small query on `session`, in the route's own thread), or the `version` the
        page cache read as the request came in, before it read anything else."""

        def stamp() -> Stamp:
            return (read_version(session) if version is None else version, today_in_sweden())

        return CacheView(self, stamp)

    def _enter(self, stamp: Stamp) -> Stamp:
        """A newer version or day empties the cache. An older one, from a request that began
        before a change, leaves it alone: that request neither reads nor keeps entries."""
        with self._lock:
            current = self._stamp
            newer = current is None or (stamp[0] >= current[0] and stamp[1] >= current[1])
            if newer and stamp != current:
                self._entries.clear()
                self._stamp = stamp
        return stamp

    def _get(self, stamp: Stamp, keys: list[Hashable]) -> dict[Hashable, Any]:
        found: dict[Hashable, Any] = {}
        with self._lock:
            if stamp == self._stamp:
                for key in keys:
                    if key in self._entries:
                        self._entries.move_to_end(key)
                        found[key] = self._entries[key]
        return found

    def _put(self, stamp: Stamp, values: dict[Hashable, Any]) -> None:
        with self._lock:
            # Kept only under the stamp they were read for: a request that began before a
            # change must not put what it read among what is read after it.
            if stamp != self._stamp or self.max_entries <= 0:
                return
            for key, value in values.items():
                self._entries[key] = value
                self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)


class CacheView:
    """One request's way into the cache, at the data version and day it read."""

    def __init__(self, cache: VersionedCache, read_stamp: Callable[[], Stamp]) -> None:
        self.cache = cache
        self._read_stamp = read_stamp
        self._stamp: Stamp | None = None

    @property
    def stamp(self) -> Stamp:
        """Read on first use, so that everything the request keeps was read after it."""
        if self._stamp is None:
            self._stamp = self.cache._enter(self._read_stamp())
        return self._stamp

    def get(self, key: Hashable, load: Callable[[], Any]) -> Any:
        return self.get_many([key], lambda _missing: {key: load()})[key]

    def get_many(
        self, keys: Sequence[Hashable], load: Callable[[list[Hashable]], dict[Hashable, Any]]
    ) -> dict[Hashable, Any]:
        """The values of `keys`, calling `load` once with those not kept. It may leave out
        keys without a value: they are missing from the answer too, and not kept."""
        lang = current_lang.get()
        stamp = self.stamp
        kept = self.cache._get(stamp, [(lang, key) for key in keys])
        found = {key: value for (_, key), value in kept.items()}
        missing = [key for key in dict.fromkeys(keys) if key not in found]
        if not missing:
            return found
        loaded = load(missing)
        self.cache._put(stamp, {(lang, key): value for key, value in loaded.items()})
        return found | loaded
