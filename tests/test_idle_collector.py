"""Full garbage collections wait for a pause in the technician's input, and CPython gets them back after."""

import gc

import pytest

from sopdash import idle_collector
from sopdash.idle_collector import IDLE_S, IdleCollector


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def collections(monkeypatch) -> list[int]:
    """Every full collection the collector runs, and a gc whose oldest generation is always due."""
    ran: list[int] = []
    monkeypatch.setattr(idle_collector.gc, "collect", lambda: ran.append(1) or 0)
    monkeypatch.setattr(idle_collector.gc, "get_count", lambda: (0, 0, 10**6))
    return ran


def test_cpython_runs_no_full_collection_while_taken_over():
    before = gc.get_threshold()
    collector = IdleCollector()
    collector.start()
    try:
        assert gc.get_threshold()[:2] == before[:2] and gc.get_threshold()[2] > 10**6
    finally:
        collector.stop()
    assert gc.get_threshold() == before


def test_a_full_collection_waits_for_a_pause_and_then_a_minute(collections):
    clock = Clock()
    collector = IdleCollector(clock)
    collector.start()
    try:
        clock.now += idle_collector.EVERY_S
        collector.input_seen()
        clock.now += IDLE_S - 0.5
        assert not collector.collect_if_idle()  # still typing
        clock.now += 1
        assert collector.collect_if_idle() and collections == [1]
        clock.now += 10
        assert not collector.collect_if_idle()  # idle, but one ran a moment ago
        clock.now += idle_collector.EVERY_S
        assert collector.collect_if_idle() and collections == [1, 1]
    finally:
        collector.stop()


def test_nothing_is_collected_when_cpython_would_not_collect_either(monkeypatch, collections):
    monkeypatch.setattr(idle_collector.gc, "get_count", lambda: (0, 0, 0))
    clock = Clock()
    collector = IdleCollector(clock)
    collector.start()
    try:
        clock.now += 1000
        assert not collector.collect_if_idle() and collections == []
    finally:
        collector.stop()
