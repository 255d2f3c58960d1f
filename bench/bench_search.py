"""A one-word search over a 200,000-ticket history: `sopdash ticket search WORD` (its first page, a fresh process)
and `Desk.search` (what the dashboard's worker runs), against `sopdash ticket list` measured in the same run, on
the file store (its `<store>.search.sqlite`) and, with --postgres, on PostgreSQL (its tsvector and GIN index).

Target (issue 25): the first page in at most 0.3 s, from the CLI and in the dashboard, on both stores.

    .venv/bin/python bench/bench_search.py [--count 200000] [--runs 7] [--word printer] [--postgres]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

from sopdash.config import load_settings
from sopdash.core.search import parse_search
from sopdash.demo.generator import write_demo_store
from sopdash.desk import Desk
from sopdash.store.opening import open_store

TARGET_S = 0.3
ROOT = Path(__file__).resolve().parents[1]


def sopdash() -> list[str]:
    """The installed console script beside this interpreter, else `python -m sopdash`."""
    script = Path(sys.executable).with_name("sopdash")
    return [str(script)] if script.exists() else [sys.executable, "-m", "sopdash"]


def median_s(run: Callable[[], object], runs: int) -> float:
    """The median wall time of run over runs calls (after one warm-up call)."""
    times = []
    for _ in range(runs + 1):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times[1:])


def command(location: str, env: dict[str, str], *args: str) -> Callable[[], object]:
    return lambda: subprocess.run([*sopdash(), "--db", location, *args], env=env, check=True, stdout=subprocess.DEVNULL)


def measure(name: str, location: str, env: dict[str, str], word: str, runs: int) -> None:
    """Print the medians of `ticket list`, `ticket search WORD` and Desk.search on the store at location."""
    store = open_store(location)
    settings = load_settings(Path(env["SOPDASH_CONFIG"]), env)
    desk = Desk(store, settings.policy, settings.roster, "bench", lambda: datetime.now(timezone.utc))
    query = parse_search(word, "bench")
    hits = desk.search(query)
    starting = median_s(lambda: subprocess.run([*sopdash(), "--version"], env=env, check=True, stdout=subprocess.DEVNULL), runs)
    listing = median_s(command(location, env, "ticket", "list"), runs)
    searching = median_s(command(location, env, "ticket", "search", word), runs)
    in_process = median_s(lambda: desk.search(query), runs)
    store.close()
    print(f"{name}: {len(hits)} hits on the first page for {word!r}, medians of {runs}")
    print(f"  sopdash --version             {starting * 1000:7.0f} ms  (what starting a command costs here)")
    print(f"  sopdash ticket list           {listing * 1000:7.0f} ms  (baseline)")
    for label, took in (("sopdash ticket search " + word, searching), ("Desk.search (dashboard worker)", in_process)):
        verdict = "ok" if took <= TARGET_S else "SLOW"
        print(f"  {label:29} {took * 1000:7.0f} ms  {took / listing:5.2f} x ticket list  "
              f"(target {TARGET_S * 1000:.0f} ms) {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--word", default="printer")
    parser.add_argument("--postgres", action="store_true", help="also on a throw-away PostgreSQL cluster")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        config = Path(directory) / "config.toml"
        config.write_text('[calendar]\ntimezone = "UTC"\n', encoding="utf-8")
        # as installed: bytecode cached (the warm-up run writes it), no what-if clock
        env = {name: value for name, value in os.environ.items() if name not in ("SOPDASH_NOW", "PYTHONDONTWRITEBYTECODE")}
        env["SOPDASH_CONFIG"] = str(config)
        settings = load_settings(config, env)
        path = Path(directory) / "tickets.json"
        started = time.perf_counter()
        write_demo_store(path, datetime.now(timezone.utc), settings.policy, args.count, seed=25)
        print(f"file store: {args.count} demo tickets written and indexed in {time.perf_counter() - started:.0f} s")
        started = time.perf_counter()
        subprocess.run([*sopdash(), "--db", str(path), "store", "reindex"], env=env, check=True, stdout=subprocess.DEVNULL)
        index = path.with_name(path.name + ".search.sqlite")
        print(f"  store reindex {time.perf_counter() - started:.0f} s; index {index.stat().st_size / 1e6:.0f} MB, "
              f"store and archive {_size(path) / 1e6:.0f} MB")
        measure("file store", str(path), env, args.word, args.runs)
        if args.postgres:
            on_postgres(path, env, args)


def on_postgres(path: Path, env: dict[str, str], args: argparse.Namespace) -> None:
    """The same on a throw-away cluster, the file store copied into it."""
    sys.path.insert(0, str(ROOT / "tests"))
    import psycopg
    from pg_cluster import start_cluster

    from sopdash.store.postgres.schema import init_postgres

    cluster = start_cluster()
    try:
        with psycopg.connect(cluster.url(), autocommit=True) as conn:
            conn.execute("CREATE DATABASE bench")
        with psycopg.connect(cluster.url(database="bench"), autocommit=True) as conn:
            init_postgres(conn)
        url = cluster.url(database="bench")
        started = time.perf_counter()
        subprocess.run([*sopdash(), "store", "copy", str(path), url], env=env, check=True, stdout=subprocess.DEVNULL)
        print(f"PostgreSQL: copied in {time.perf_counter() - started:.0f} s")
        measure("PostgreSQL", url, env, args.word, args.runs)
    finally:
        cluster.stop()


def _size(path: Path) -> int:
    archive = path.with_name(path.name + ".archive")
    return path.stat().st_size + sum(month.stat().st_size for month in archive.iterdir())


if __name__ == "__main__":
    main()
