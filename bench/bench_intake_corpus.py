"""Mail intake of real-world messages at 50,000 tickets: the time of one `sopdash mail receive` per message (median
and 95th percentile over the test corpus) and the peak memory of the largest messages, each beside its baseline
from the same run (a one-line plain message).

Run: .venv/bin/python bench/bench_intake_corpus.py [--tickets 50000] [--rounds 3]
Each round feeds every message in tests/mail/corpus once more, with a `Received:` line of its own in front (so it
is new content: the rounds after the first reuse each Message-ID, as senders do); then the whole corpus is fed
again as it was, which must open no ticket. The largest messages are the corpus's largest and three made here: a
220 KB header of encoded words, a 3 MB message nested 30 deep, and a 9 MB attachment.
Times are wall times of the whole process, interpreter start and imports included (byte code compiled once
beforehand, as an installed sopdash has it).
Targets (issue 21): median at most 0.3 s a message; peak memory of the largest message at most 150 MB.
"""

from __future__ import annotations

import argparse
import base64
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_intake import make_store

from sopdash.store.ticket_store import TicketStore

MEDIAN_TARGET_S = 0.3
PEAK_TARGET_MB = 150
DESK = "help@desk.example.org"
CORPUS = Path(__file__).resolve().parent.parent / "tests" / "mail" / "corpus"
# `sopdash mail receive` in-process, printing its peak resident memory (MB) as the last line on stderr: VmHWM, which
# starts afresh at exec (ru_maxrss would carry over the parent's peak)
MEASURED = """
import re, sys
from pathlib import Path
from sopdash.cli.main import main
code = main(sys.argv[1:])
peak = int(re.search(r"VmHWM:\\s+(\\d+) kB", Path("/proc/self/status").read_text())[1])
sys.stderr.write(f"\\nPEAK {peak / 1024:.1f}\\n")
sys.exit(code)
"""


def plain(n: int) -> bytes:
    return (f"From: Ann <ann{n}@example.com>\nTo: {DESK}\nSubject: Printer {n}\nMessage-ID: <plain-{n}@example.com>\n"
            "Content-Type: text/plain; charset=utf-8\n\nThe printer jams again.\n").encode()


def huge_header() -> bytes:
    words = " ".join("=?utf-8?q?caf=C3=A9?=" for _ in range(10_000))
    return f"From: {words} <big@example.com>\nSubject: {words}\nMessage-ID: <huge-header@example.com>\n\nhi\n".encode()


def deeply_nested(depth: int = 30, size: int = 3_000_000) -> bytes:
    """A message nested `depth` multiparts deep, with an attachment at each level, about `size` bytes in all."""
    chunk = base64.encodebytes(os.urandom(size * 3 // 4 // depth)).decode()
    body = "innermost text\n"
    for level in reversed(range(depth)):
        body = (f"--b{level}\nContent-Type: text/plain\n\nlevel {level}\n--b{level}\nContent-Type: multipart/mixed; "
                f'boundary="b{level + 1}"\n\n{body}\n--b{level}\nContent-Type: application/octet-stream; name="f{level}.bin"\n'
                f"Content-Transfer-Encoding: base64\n\n{chunk}--b{level}--\n")
    return (f"From: deep@example.com\nSubject: deep\nMessage-ID: <deep@example.com>\n"
            f'Content-Type: multipart/mixed; boundary="b0"\n\n{body}').encode()


def big_attachment(size: int = 9_000_000) -> bytes:
    data = base64.encodebytes(os.urandom(size)).decode()
    return ("From: big@example.com\nSubject: big\nMessage-ID: <big-attachment@example.com>\n"
            'Content-Type: multipart/mixed; boundary="b"\n\n--b\nContent-Type: text/plain\n\nsee attached\n'
            '--b\nContent-Type: application/octet-stream; name="big.bin"\nContent-Transfer-Encoding: base64\n\n'
            f"{data}--b--\n").encode()


def receive(env: dict, raw: bytes) -> tuple[int, float, float, str]:
    """One `mail receive`: (exit code, wall seconds, peak MB, what it said)."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", MEASURED, "mail", "receive"], input=raw, env=env, capture_output=True)
    took = time.perf_counter() - started
    lines = (done.stdout + done.stderr).decode("utf-8", "replace").splitlines()
    peak = next((float(line[5:]) for line in reversed(lines) if line.startswith("PEAK ")), 0.0)
    said = next((line for line in lines if line and not line.startswith("PEAK ")), "")
    return done.returncode, took, peak, said


def version_times(env: dict, runs: int) -> list[float]:
    """Wall times of `sopdash --version`: the interpreter and the command line starting, nothing read."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "sopdash.cli.main", "--version"], env=env, capture_output=True)
        times.append(time.perf_counter() - started)
    return times


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def bench_corpus(env: dict, rounds: int) -> None:
    corpus = sorted(CORPUS.glob("*.eml"))
    receive(env, plain(-1))  # the duplicate index built once from the history, not timed
    base, times, codes = [], [], {}
    for round_ in range(rounds):
        for n, path in enumerate(corpus):
            base.append(receive(env, plain(round_ * 10_000 + n))[1])
            raw = f"Received: by bench round {round_}; Wed, 25 Nov 2026 09:00:00 +0000\n".encode() + path.read_bytes()
            code, took, _, said = receive(env, raw)
            times.append(took)
            codes[code] = codes.get(code, 0) + 1
            if code not in (0, 65):
                print(f"  {path.name}: exit {code}: {said}")
    median, p95, base_median = statistics.median(times), percentile(times, 0.95), statistics.median(base)
    version = statistics.median(version_times(env, 7))
    print(f"{len(times)} corpus messages ({len(corpus)} files x {rounds} rounds) at {len(TicketStore(Path(env['SOPDASH_DB'])).live()):,} live tickets; exit codes {codes}")
    print(f"  per message: median {median:.3f} s, p95 {p95:.3f} s, max {max(times):.3f} s; baseline (a plain one-line "
          f"message) median {base_median:.3f} s, ratio {median / base_median:.2f}x; `sopdash --version` {version:.3f} s, "
          f"ratio {median / version:.2f}x; target median {MEDIAN_TARGET_S} s: {'met' if median <= MEDIAN_TARGET_S else 'MISSED'} "
          f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    before = len(TicketStore(Path(env["SOPDASH_DB"])).history())
    for round_ in range(rounds):
        for path in corpus:
            raw = f"Received: by bench round {round_}; Wed, 25 Nov 2026 09:00:00 +0000\n".encode() + path.read_bytes()
            receive(env, raw)
    new = len(TicketStore(Path(env["SOPDASH_DB"])).history()) - before
    print(f"  the corpus fed again: {new} new ticket(s) (target 0: {'met' if new == 0 else 'MISSED'})")


def bench_largest(env: dict) -> None:
    largest = max(CORPUS.glob("*.eml"), key=lambda path: path.stat().st_size)
    messages = {f"corpus's largest ({largest.name})": largest.read_bytes(), "220 KB header of encoded words": huge_header(),
                "3 MB nested 30 deep": deeply_nested(), "9 MB attachment": big_attachment()}
    _, _, base_peak, _ = receive(env, plain(99_999))
    print(f"peak memory of one `mail receive` (baseline, a plain one-line message: {base_peak:.0f} MB):")
    for name, raw in messages.items():
        code, took, peak, said = receive(env, raw)
        verdict = "met" if peak <= PEAK_TARGET_MB else "MISSED"
        print(f"  {name:<40} {len(raw) / 1e6:5.2f} MB: exit {code} in {took:.2f} s, peak {peak:4.0f} MB; ratio "
              f"{peak / base_peak:.2f}x; target {PEAK_TARGET_MB} MB: {verdict}  ({said[:60]})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        _, env = make_store(Path(folder), args.tickets)
        # byte code compiled once and kept (in the temp folder), as an installed sopdash has it
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(Path(folder) / "pycache")
        bench_corpus(env, args.rounds)
        bench_largest(env)


if __name__ == "__main__":
    main()
