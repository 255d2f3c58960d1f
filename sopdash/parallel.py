"""Work on several items at once in forked processes, each result sent back as MessagePack.

For one-shot commands over a large store: a forked child shares the parent's memory (the raw file
already read) without copying it, and sends back only its small result. Where there is no `fork`, or
a child fails for any reason, its item is simply worked in this process, so the answer never depends
on whether the processes ran.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import msgspec

Item = TypeVar("Item")
Result = TypeVar("Result")

_OK = b"\x00"


def map_forked(work: Callable[[Item], Result], items: Sequence[Item], result_type: Any) -> list[Result]:
    """[work(item) for item in items]: the first item here, each other one in a forked child, all at once.

    `result_type` is what work returns, as msgspec understands types (a Struct, `list[int]`, `X | None`...).
    """
    if len(items) < 2 or not hasattr(os, "fork"):
        return [work(item) for item in items]
    pending: list[tuple[int, int]] = []
    try:
        pending.extend(_fork(work, item) for item in items[1:])
        results = [work(items[0])]
        decoder = msgspec.msgpack.Decoder(result_type)
        for item in items[1:]:
            sent = _collect(*pending.pop(0))
            results.append(decoder.decode(sent[1:]) if sent[:1] == _OK else work(item))
        return results
    finally:
        for pid, pipe in pending:  # only if this process failed: do not leave the children behind
            os.close(pipe)
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)


def _fork(work: Callable[[Item], Result], item: Item) -> tuple[int, int]:
    """A child working on item and writing its result to a pipe; returns (pid, read end)."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid:
        os.close(write_end)
        return pid, read_end
    os.close(read_end)
    try:
        payload = _OK + msgspec.msgpack.encode(work(item))
    except BaseException:  # anything at all: the parent works the item itself
        payload = b""
    try:
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(payload)
    finally:
        os._exit(0)  # no exit handlers, no flushing of buffers copied from the parent


def _collect(pid: int, pipe: int) -> bytes:
    """Everything the child wrote, once it has exited."""
    with os.fdopen(pipe, "rb") as stream:
        sent = stream.read()
    os.waitpid(pid, 0)
    return sent
