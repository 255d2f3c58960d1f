"""map_forked: results in order from forked children, and the same answer when a child or fork is missing."""

import os

import pytest

from sopdash import parallel
from sopdash.parallel import map_forked

PARENT = os.getpid()


def pid_and_square(n: int) -> tuple[int, int]:
    return os.getpid(), n * n


def no_children_left() -> bool:
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def test_each_item_after_the_first_is_worked_in_its_own_child():
    results = map_forked(pid_and_square, [1, 2, 3, 4], tuple[int, int])
    assert [square for _, square in results] == [1, 4, 9, 16]
    pids = [pid for pid, _ in results]
    assert pids[0] == PARENT and PARENT not in pids[1:] and len(set(pids)) == 4
    assert no_children_left()


def test_an_item_whose_child_fails_is_worked_here():
    def fails_in_a_child(n: int) -> int:
        if os.getpid() != PARENT:
            raise RuntimeError("out of memory, say")
        return n + 1

    assert map_forked(fails_in_a_child, [1, 2, 3], int) == [2, 3, 4]
    assert no_children_left()


def test_a_failure_here_leaves_no_child_behind():
    def fails_here(n: int) -> int:
        if os.getpid() == PARENT:
            raise ValueError("bad part")
        return n

    with pytest.raises(ValueError, match="bad part"):
        map_forked(fails_here, [1, 2, 3], int)
    assert no_children_left()


def test_without_fork_every_item_is_worked_here(monkeypatch):
    monkeypatch.delattr(parallel.os, "fork")
    assert map_forked(pid_and_square, [2, 3], tuple[int, int]) == [(PARENT, 4), (PARENT, 9)]
