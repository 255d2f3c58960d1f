"""How fast a command starts: `sopdash --version` and `sopdash ticket list` on a 10-ticket store, each a fresh
process, against a fresh `python -c pass` measured in the same run.

Targets: `--version` within 0.06 s and `ticket list` within 0.12 s (medians), since each command loads only
the modules it needs (cli/main.py) and the CLI never loads Textual.

    .venv/bin/python bench/bench_cli.py [--runs 21]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGETS_S = {"sopdash --version": 0.06, "sopdash ticket list (10 tickets)": 0.12}


def sopdash() -> list[str]:
    """The installed console script beside this interpreter, else `python -m sopdash`."""
    script = Path(sys.executable).with_name("sopdash")
    return [str(script)] if script.exists() else [sys.executable, "-m", "sopdash"]


def median_s(command: list[str], env: dict[str, str], runs: int) -> float:
    """The median wall time of command over runs fresh processes (after one warm-up run)."""
    times = []
    for _ in range(runs + 1):
        start = time.perf_counter()
        subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times[1:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        config = Path(directory) / "config.toml"
        config.write_text('[calendar]\ntimezone = "UTC"\n', encoding="utf-8")
        env = {**os.environ, "SOPDASH_DB": str(Path(directory) / "tickets.json"), "SOPDASH_CONFIG": str(config)}
        env.pop("SOPDASH_NOW", None)
        subprocess.run([*sopdash(), "init"], env=env, check=True, stdout=subprocess.DEVNULL)
        for n in range(10):
            subprocess.run([*sopdash(), "ticket", "new", "--subject", f"Printer {n} jams", "--requester",
                            f"client{n}@example.com"], env=env, check=True, stdout=subprocess.DEVNULL)
        baseline = median_s([sys.executable, "-c", "pass"], env, args.runs)
        print(f"baseline: python -c pass, median of {args.runs}: {baseline * 1000:.0f} ms")
        for name, command in (("sopdash --version", ["--version"]), ("sopdash ticket list (10 tickets)", ["ticket", "list"])):
            took = median_s([*sopdash(), *command], env, args.runs)
            verdict = "ok" if took <= TARGETS_S[name] else "SLOW"
            print(f"{name:34} {took * 1000:6.0f} ms  {took / baseline:5.1f} x baseline  "
                  f"(target {TARGETS_S[name] * 1000:.0f} ms) {verdict}")


if __name__ == "__main__":
    main()
