"""Time the courtesy check (core/courtesy.py) and the reading of a client's answer (core/satisfaction.py) on 1 MB and
2 MB of text, against `str.lower` of the same text as the baseline in the same run.

Target: linear — 2 MB takes under 3x what 1 MB takes — and a reply of a few lines in well under a millisecond, so
the dialog's advice never holds up typing.

    .venv/bin/python bench/bench_courtesy.py [--runs 3]
"""

from __future__ import annotations

import argparse
import time

from sopdash.core.courtesy import advise
from sopdash.core.satisfaction import answer

BLOCK = "Hello Ann, PLEASE READ THIS CAREFULLY obviously the printer works now and you should have called. "
SHORT = "Hello Ann,\n\nthe new toner is in; please try printing again.\n\nKind regards,\nDana"
GROWTH_TARGET = 3.0


def best_s(runs: int, work) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    texts = {size: BLOCK * (size // len(BLOCK)) for size in (1_000_000, 2_000_000)}
    for name, check in (("courtesy advise", advise), ("satisfaction answer", answer), ("baseline str.lower", str.lower)):
        one, two = (best_s(runs, lambda t=texts[size]: check(t)) for size in (1_000_000, 2_000_000))
        verdict = "ok" if two / one < GROWTH_TARGET else "SLOW"
        print(f"{name:22} 1 MB {one * 1000:8.1f} ms  2 MB {two * 1000:8.1f} ms  growth {two / one:4.2f}x  {verdict}")
    short = best_s(runs, lambda: [advise(SHORT) for _ in range(1000)]) / 1000
    print(f"{'courtesy, short reply':22} {short * 1e6:8.1f} µs")


if __name__ == "__main__":
    main()
