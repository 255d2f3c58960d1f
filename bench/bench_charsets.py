"""Time reading charsets the way mail clients do (mail/charsets.py) against Python's own decoding of the same bytes.

Bodies of about 1 MB in each case the rules meet: UTF-8 under a wrong label, Windows-1252 labelled UTF-8, UTF-8 with
one stray Latin-1 byte, and unlabelled Windows-1251 (where charset-normalizer guesses); and the charset corpus
messages read whole by `read_message`. Baseline in the same run: `bytes.decode(label, "replace")`, what the `email`
package does. Target: every body within 25 ms, the corpus messages within 5 ms at the median.

    .venv/bin/python bench/bench_charsets.py [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from sopdash.mail.charsets import decode_text
from sopdash.mail.parse import read_message

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "mail" / "corpus"
BODY_TARGET_MS = 25.0
MESSAGE_TARGET_MS = 5.0


def bodies() -> list[tuple[str, bytes, str | None]]:
    western = "Grüße aus Köln, der Drucker ist kaputt – schon wieder. " * 20_000
    cyrillic = "Добрый день! Не работает почта, пишет ошибку подключения. " * 16_000
    return [
        ("UTF-8 labelled us-ascii", western.encode(), "us-ascii"),
        ("Windows-1252 labelled UTF-8", western.encode("cp1252"), "utf-8"),
        ("UTF-8 with one stray Latin-1 byte", western.encode() + b"\xe9", "utf-8"),
        ("Windows-1251 unlabelled", cyrillic.encode("cp1251"), None),
    ]


def best_ms(runs: int, work) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    decode_text("Добрый день".encode("cp1251"))  # charset-normalizer's import is not a body's cost
    ok = True
    for name, data, label in bodies():
        ours = best_ms(runs, lambda: decode_text(data, label))
        python = best_ms(runs, lambda: data.decode(label or "ascii", "replace"))
        ok &= ours <= BODY_TARGET_MS
        print(f"{name:36} {len(data) / 1e6:4.1f} MB  {ours:6.1f} ms  (Python's decode {python:5.1f} ms, "
              f"x{ours / python:4.1f})")
    raws = [path.read_bytes() for path in sorted(CORPUS.glob("*.eml"))]
    per_message = []
    for raw in raws:
        try:
            per_message.append(best_ms(runs, lambda: read_message(raw)))
        except ValueError:  # the corpus's one non-message
            continue
    median = statistics.median(per_message)
    ok &= median <= MESSAGE_TARGET_MS
    print(f"corpus: {len(per_message)} messages read, median {median:.2f} ms, slowest {max(per_message):.2f} ms")
    print("targets met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
