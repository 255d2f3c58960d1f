"""One technician's burst of mixed actions, for bench_postgres.py: mixed_actions.py STORE LOGIN COUNT TICKETS SEED.

Waits for a line on stdin (so every process starts at once), then does COUNT actions on random tickets among
the first TICKETS: notes (always land), assignments and priority changes (refused if the ticket moved on since
it was read). Prints one JSON line: each action's seconds, the notes written, how many actions landed, were
refused, or gave up waiting for the store.
"""

import random
import sys
import time
from datetime import datetime, timezone

import orjson

from sopdash.core.errors import RuleRefused, StoreError
from sopdash.core.model import PRIORITIES
from sopdash.core.policy import SlaPolicy
from sopdash.core.roster import Roster
from sopdash.desk import Desk
from sopdash.store.opening import open_store


def main(location: str, login: str, count: int, tickets: int, seed: int) -> None:
    rng = random.Random(seed)
    desk = Desk(open_store(location), SlaPolicy.from_config({}), Roster(), login, lambda: datetime.now(timezone.utc))
    sys.stdin.readline()
    seconds, notes, landed, refused, gave_up = [], [], 0, 0, 0
    for n in range(count):
        ticket_id = rng.randint(1, tickets)
        started = time.perf_counter()
        try:
            kind = rng.random()
            if kind < 0.5:
                text = f"{login} note {n}"
                desk.note(ticket_id, text)
                notes.append(text)
            else:
                seen = desk.ticket(ticket_id)
                if kind < 0.75:
                    desk.assign(ticket_id, login, seen_version=seen.version)
                else:
                    priority = rng.choice([p for p in PRIORITIES if p != seen.priority])
                    desk.set_priority(ticket_id, priority, seen_version=seen.version)
            landed += 1
        except RuleRefused:  # a stale version (another technician got there first), or the SOP says no
            refused += 1
        except StoreError:  # waited too long for the file store's lock: nothing was written
            gave_up += 1
        seconds.append(time.perf_counter() - started)
    print(orjson.dumps({"seconds": seconds, "notes": notes, "landed": landed, "refused": refused, "gave_up": gave_up}).decode())


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))
