"""Reading a message costs what an ordinary one costs: nesting is measured before the `email` package recurses."""

from __future__ import annotations

from sopdash.mail.parse import MAX_DEPTH, nesting_depth, read_message


def forwarded(times: int) -> bytes:
    """A message forwarded inside itself `times` times (message/rfc822 parts nest without boundaries)."""
    inner = "From: z@example.com\nSubject: inner\n\nbottom\n"
    for _ in range(times):
        inner = "Content-Type: message/rfc822\n\n" + inner
    return f"From: a@example.com\nSubject: fwd\nMessage-ID: <c@example.com>\n{inner}".encode()


def unclosed_siblings(count: int) -> bytes:
    """`count` parts side by side, each a multipart whose closing line is missing (as careless mailers write)."""
    parts = "".join(
        f'--top\nContent-Type: multipart/alternative; boundary="s{n}"\n\n--s{n}\nContent-Type: text/plain\n\nx\n'
        for n in range(count)
    )
    return f'From: a@example.com\nSubject: s\nContent-Type: multipart/mixed; boundary="top"\n\n{parts}--top--\n'.encode()


def test_a_chain_of_forwarded_messages_is_read_as_headers_only():
    raw = forwarded(2000)
    assert nesting_depth(raw) == 2000
    mail = read_message(raw)
    assert (mail.sender, mail.subject, mail.text) == ("a@example.com", "fwd", "")
    assert mail.unread == f"its parts are nested 2000 levels deep, more than the {MAX_DEPTH} sopdash reads: none was read"


def test_many_parts_side_by_side_are_not_deep():
    raw = unclosed_siblings(100)
    assert nesting_depth(raw) == 2
    mail = read_message(raw)
    assert mail.unread == "" and mail.text.count("x") == 100  # inline text parts of a mixed one are all its text


def test_boundaries_in_any_case_still_count():
    body = 'Content-Type: multipart/mixed; BOUNDARY="AbC"\n\n--AbC\nContent-Type: text/plain\n\nhi\n--AbC--\n'
    assert nesting_depth(f"From: a@example.com\n{body}".encode()) == 1
