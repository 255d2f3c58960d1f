"""Untrusted text loses control characters and escape sequences, and keeps everything else literally."""

from sopdash.core.text import one_line, printable


def test_escape_sequences_and_controls_are_removed():
    assert printable("\x1b[31mred\x1b[0m \x07bell\x00") == "red bell"
    assert printable("\x1b]0;title\x07ok") == "ok"


def test_markup_like_text_is_kept():
    assert printable("[URGENT] [/b] printer") == "[URGENT] [/b] printer"


def test_one_line_folds_whitespace():
    assert one_line("VPN\n  drops\tagain") == "VPN drops again"
