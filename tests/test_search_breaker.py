"""The search circuit breaker: after repeated failures, search is skipped for a cool-down,
then one probe decides whether it comes back."""

import threading

import pytest

from app.search.breaker import CircuitBreaker, SearchPaused
from app.search.errors import InvalidSearch, SearchUnavailable


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def fail() -> None:
    raise SearchUnavailable("timed out")


def fail_times(breaker: CircuitBreaker, n: int) -> None:
    for _ in range(n):
        with pytest.raises(SearchUnavailable):
            breaker.call(fail)


def test_calls_go_through_until_the_failures_in_a_row_reach_the_threshold() -> None:
    breaker = CircuitBreaker(failures=3, cooldown=10, clock=Clock())
    fail_times(breaker, 2)
    assert breaker.call(lambda: "hits") == "hits"  # a success starts the count again
    fail_times(breaker, 2)
    assert not breaker.is_open
    fail_times(breaker, 1)
    assert breaker.is_open


def test_an_open_breaker_refuses_without_calling() -> None:
    breaker = CircuitBreaker(failures=1, cooldown=10, clock=Clock())
    fail_times(breaker, 1)
    called = []
    with pytest.raises(SearchPaused):
        breaker.call(lambda: called.append(1))
    assert called == []


def test_after_the_cooldown_one_probe_closes_it_again() -> None:
    clock = Clock()
    breaker = CircuitBreaker(failures=1, cooldown=10, clock=clock)
    fail_times(breaker, 1)
    clock.now += 9.9
    with pytest.raises(SearchPaused):
        breaker.call(lambda: "hits")
    clock.now += 0.1
    assert breaker.call(lambda: "hits") == "hits"
    assert not breaker.is_open


def test_a_failed_probe_opens_it_for_another_cooldown() -> None:
    clock = Clock()
    breaker = CircuitBreaker(failures=3, cooldown=10, clock=clock)
    fail_times(breaker, 3)
    clock.now += 10
    fail_times(breaker, 1)  # the probe: one failure is enough while half open
    clock.now += 9.9
    with pytest.raises(SearchPaused):
        breaker.call(lambda: "hits")
    clock.now += 0.1
    assert breaker.call(lambda: "hits") == "hits"


def test_an_answer_that_is_an_error_still_counts_as_the_server_answering() -> None:
    clock = Clock()
    breaker = CircuitBreaker(failures=1, cooldown=10, clock=clock)
    fail_times(breaker, 1)
    clock.now += 10

    def refuse_sort() -> None:
        raise InvalidSearch("unknown sort")

    with pytest.raises(InvalidSearch):
        breaker.call(refuse_sort)
    assert not breaker.is_open


def test_while_half_open_only_one_of_many_threads_probes() -> None:
    clock = Clock()
    breaker = CircuitBreaker(failures=1, cooldown=10, clock=clock)
    fail_times(breaker, 1)
    clock.now += 10
    probe_started, release_probe = threading.Event(), threading.Event()
    outcomes: list[str] = []

    def slow_probe() -> str:
        probe_started.set()
        release_probe.wait(5)
        return "probe"

    def caller() -> None:
        try:
            outcomes.append(breaker.call(slow_probe))
        except SearchPaused:
            outcomes.append("paused")

    first = threading.Thread(target=caller)
    first.start()
    assert probe_started.wait(5)
    others = [threading.Thread(target=caller) for _ in range(10)]
    for t in others:
        t.start()
    for t in others:
        t.join(5)
    release_probe.set()
    first.join(5)
    assert sorted(outcomes) == ["paused"] * 10 + ["probe"]
    assert not breaker.is_open
