"""Taking in a client's message does not load flufl.bounce's detectors (they compile ~150 patterns, a large part of
`mail receive`'s start): they load for a message that looks like a bounce (`test_bounces_robots` reads those)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

CODE = """
import sys
from pathlib import Path
from sopdash.mail.parse import read_message
from sopdash.mail.robots import bounce

plain = b"From: Client <client@example.com>\\nTo: help@desk.example.org\\nSubject: printer\\nMessage-ID: <a@example.com>\\n\\nIt jams.\\n"
assert bounce(read_message(plain)) is None
assert "flufl.bounce" not in sys.modules, "a client's message loaded the bounce detectors"
found = bounce(read_message(Path(sys.argv[1]).read_bytes()))
assert "flufl.bounce" in sys.modules and found is not None and found.recipients, found
"""


def test_only_mail_that_looks_like_a_bounce_loads_the_detectors() -> None:
    qmail = Path(__file__).parent / "corpus" / "bounce_qmail.eml"
    result = subprocess.run([sys.executable, "-c", CODE, str(qmail)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
