"""Untrusted text loses control characters and escape sequences, and keeps everything else literally."""

from sopdash.core.text import one_line, printable


def test_escape_sequences_and_controls_are_removed():
    assert printable("\x1b[31mred\x1b[0m \x07bell\x00") == "red bell"
    assert printable("\x1b]0;title\x07ok") == "ok"


def test_markup_like_text_is_kept():
    assert printable("[URGENT] [/b] printer") == "[URGENT] [/b] printer"


def test_one_line_folds_whitespace():
    assert one_line("VPN\n  drops\tagain") == "VPN drops again"


def test_every_kind_of_escape_sequence_is_removed():
    osc = "\x1b]0;PWNED\x07"
    osc_st = "\x1b]8;;http://evil\x1b\\"
    dcs = "\x1bP1$r0m\x1b\\"
    c1_csi = "\x9b2J"
    c1_osc = "\x9d0;title\x9c"
    assert printable(f"a{osc}b{osc_st}c{dcs}d{c1_csi}e{c1_osc}f\x1b[2J\x1b(0g") == "abcdefg"


def test_c1_controls_and_bidi_overrides_are_removed():
    bidi = "".join(chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)])
    assert printable(f"in\x85vo\x8dice{bidi}.pdf") == "invoice.pdf"


def test_ordinary_unicode_newlines_and_tabs_stay():
    text = "Grüße, 日本語 ✔ — ΣΩ 🙂\n\tnext line (ﷺ עברית)"
    assert printable(text) == text


def test_undecodable_bytes_become_replacement_characters():
    assert printable("bad\udcff") == "bad\ufffd"


def test_one_line_with_a_limit_cuts_a_giant_field_cheaply():
    assert one_line("word " * 200_000, limit=20) == "word word word word…"
    assert one_line("short", limit=20) == "short"
    assert one_line("\x00" * 1000 + "x", limit=5) == "…"


def test_json_text_escapes_bidi_and_c1_but_keeps_the_data():
    from sopdash.core.documents import json_text
    import orjson

    document = {"subject": "a\u202eb\x9bc"}
    text = json_text(document)
    assert "\u202e" not in text and "\x9b" not in text
    assert orjson.loads(text) == document
