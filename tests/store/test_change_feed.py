"""The change feed: which held tickets to read again, from announcements or the change log, with none lost."""

from __future__ import annotations

from sopdash.store.postgres.change_feed import GAP_GRACE_S, IN_FLIGHT, ChangeFeed


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def started(newest: int = 1000, clock: Clock | None = None) -> ChangeFeed:
    feed = ChangeFeed(clock or Clock())
    feed.start(newest)
    feed.logged([(seq, 1) for seq in range(newest - IN_FLIGHT + 1, newest + 1)], oldest=1)  # the last few read again
    assert feed.take() == {1}
    return feed


def test_before_a_whole_read_everything_is_read() -> None:
    assert ChangeFeed().take() is None


def test_an_announcement_names_the_tickets_to_read_again() -> None:
    feed = started()
    feed.heard("[[1001, 7], [1002, 9]]")
    assert feed.take() == {7, 9}
    assert feed.take() == set()
    assert feed.low == 1002 and not feed.behind


def test_an_announcement_naming_nothing_sends_the_reader_to_the_change_log() -> None:
    feed = started()
    for payload in ("", "forged", '{"seq": 3}'):
        feed.heard(payload)
        assert feed.behind
        feed.logged([(1001, 4)], oldest=1)
        assert feed.take() == {4}


def test_too_many_to_name_and_a_log_pruned_past_the_reader_read_everything() -> None:
    feed = started()
    feed.heard('{"many": 5000}')
    assert feed.behind  # the change log says what changed; more than a reader reads by id, and all is read again
    feed.logged([(seq, seq) for seq in range(1001, 5001)], oldest=1, complete=False)
    assert feed.take() is None

    feed = started()
    feed.missed()
    feed.logged([(3000, 4)], oldest=2500)
    assert feed.take() is None


def test_a_change_committed_out_of_order_is_not_passed_over() -> None:
    clock = Clock()
    feed = started(clock=clock)
    feed.heard("[[1002, 5]]")  # 1001 drew its number first and has not committed yet
    assert feed.take() == {5} and feed.low == 1000
    clock.now += GAP_GRACE_S / 2
    feed.missed()
    feed.logged([(1001, 6), (1002, 5)], oldest=1)  # the log read after a reconnect finds it
    assert feed.take() == {6} and feed.low == 1002


def test_a_number_that_never_commits_is_passed_over_after_the_grace() -> None:
    clock = Clock()
    feed = started(clock=clock)
    feed.heard("[[1002, 5]]")
    clock.now += GAP_GRACE_S
    feed.heard("[[1003, 6]]")
    assert feed.low == 1003


def test_a_late_announcement_below_the_whole_read_is_read_again() -> None:
    feed = started(newest=1000)
    feed.start(2000)
    feed.heard(f"[[{2000 - IN_FLIGHT - 5}, 8]]")
    assert 8 in feed.take()


def test_a_forged_announcement_neither_hides_a_real_one_nor_names_what_the_log_cannot_hold() -> None:
    feed = started()
    feed.heard("[[1002, 66], [9999, 67]]", newest=1002)  # forged: 1002 is #5's change; 9999 was never drawn
    feed.heard("[[1002, 5]]", newest=1002)
    assert feed.take() == {66, 5}


def test_an_announcement_says_whether_it_names_a_change_not_accounted_for() -> None:
    feed = started()
    assert feed.heard("[[1002, 9]]", newest=1002)
    assert not feed.heard("[[1002, 9]]", newest=1002)  # heard already: a repeat (or a forgery) counts for nothing
    assert not feed.heard("[[900, 4]]", newest=1002)  # accounted for long ago
    assert feed.heard("[[1001, 7]]", newest=1002)
    assert not feed.heard('{"many": 1001}', newest=1002) and feed.heard('{"many": 1005}')
    assert not feed.heard("") and not feed.heard("forged")  # what no write of ours sends
