"""Text in mail decoded the way mail clients read it, whatever charset the sender's software claimed.

The rules, in order, for a body or a header's bytes:
- bytes that are valid UTF-8 are UTF-8, whatever the label says: software labels UTF-8 as us-ascii, x-unknown,
  gb2312 or iso-2022-jp, or leaves the label out, and legacy text almost never forms valid UTF-8 by accident;
- mostly-UTF-8 text with a few stray legacy bytes (a Latin-1 quote pasted into UTF-8 mail) is UTF-8 with those
  bytes read as Windows-1252;
- otherwise the declared charset when it decodes them cleanly, its label read by alias (`iso-8859-8-i`,
  `x-mac-cyrillic`, `gb2312` as its superset, Latin-1 as Windows-1252 the way browsers read it); an HTML part
  without a label is read by its `<meta charset>`;
- otherwise Windows-1252, the legacy default, unless that reading is implausible (most letters accented, symbols
  inside words: Cyrillic, Greek or Polish bytes read as Western), and only then charset-normalizer guesses.

Headers are read the same way: raw 8-bit bytes (RFC 6532 UTF-8, or a legacy charset; raw ISO-2022-JP too) and each
RFC 2047 encoded word. Encoded words are rewritten as UTF-8 ones, so the `email` package still does the structure
(addresses, quoting, whitespace between words) and only the bytes are decoded here.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import re
from email.quoprimime import header_decode

# labels mail software writes that Python's codecs do not know, or knows as a narrower charset than senders use
_ALIASES = {
    "iso-8859-8-i": "iso-8859-8",
    "iso-8859-8-e": "iso-8859-8",
    "iso-8859-6-i": "iso-8859-6",
    "iso-8859-6-e": "iso-8859-6",
    "x-mac-ukrainian": "mac-cyrillic",
    "x-mac-ce": "mac-latin2",
    "x-mac-icelandic": "mac-iceland",
    "iso-8859-1": "cp1252",  # Outlook labels iso-8859-1 and writes curly quotes and dashes in 0x80-0x9f
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "l1": "cp1252",
    "iso8859-1": "cp1252",
    "iso-8859-9": "cp1254",
    "iso-8859-11": "cp874",
    "tis-620": "cp874",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "euc-cn": "gb18030",
    "euc-kr": "cp949",
    "ks-c-5601-1987": "cp949",
    "shift-jis": "cp932",
    "x-sjis": "cp932",
    "windows-31j": "cp932",
    "big5": "big5hkscs",
    "x-x-big5": "big5hkscs",
}
# labels that say nothing about the bytes: read as if there were none
_NO_LABEL = {"", "unknown", "x-unknown", "unknown-8bit", "x-user-defined", "default", "none", "8bit", "charset",
             "us-ascii", "ascii", "ansi-x3.4-1968", "iso-646-us", "us"}
_NUMBERED = re.compile(r"^(?:windows|win|cp|ms)-?(\d{3,4})$")
_SEVEN_BIT = ("utf-7", "iso2022", "hz")  # charsets whose text is ASCII bytes: a label worth reading even then
_WIDE = ("utf-16", "utf-32")
# what charset-normalizer may guess: the legacy charsets mail is still written in, the commoner first (the tie-break
# when a short text reads equally well in several)
_LEGACY = ["cp1251", "koi8_r", "cp1250", "iso8859_2", "cp1253", "iso8859_7", "cp1254", "cp1255", "iso8859_8",
           "cp1256", "cp1257", "koi8_u", "iso8859_5", "mac_cyrillic", "cp874", "gb18030", "cp932", "euc_jp", "cp949",
           "big5"]
_SINGLE_BYTE_LEGACY = _LEGACY[:15]
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_ASCII = bytes(range(128))
_LETTER = re.compile(r"[^\W\d_]")
# a Latin-1 symbol between two letters: "Za¿ó³æ" is Polish read as Western, "col·lecció" is Catalan
_SYMBOL_IN_WORD = re.compile(r"[^\W\d_][\xa1-\xb6\xb8-\xbf\xd7\xf7][^\W\d_]")
_C1_CONTROLS = re.compile("[\x80-\x9f]")
_SAMPLE = 20_000  # characters (or bytes) looked at to judge a reading: a long body reads as its start does
# Windows-1252 with its five undefined bytes read as Latin-1 (C1 controls, stripped later), as browsers do
_CP1252 = "".join(
    char if char != "\ufffd" else chr(byte) for byte, char in enumerate(bytes(range(256)).decode("cp1252", "replace"))
)
_ENCODED_WORD = r"=\?[^?\s]{1,60}\?[bBqQ]\?[^?\s]*\?="
_ENCODED_WORDS = re.compile(rf"{_ENCODED_WORD}(?:\s*{_ENCODED_WORD})*")
_ONE_WORD = re.compile(r"=\?([^?\s*]{1,60})(?:\*[^?\s]*)?\?([bBqQ])\?([^?\s]*)\?=")
_META_CHARSET = re.compile(rb"<meta[^>]{0,200}?charset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]{1,40})", re.IGNORECASE)
_EXTENDED_PARAMETER = re.compile(r"(\*=\s*)([^'\s;]{0,60})'([^'\s;]*)'([^\s;\"]*)")


def codec_for(label: str | None) -> str | None:
    """The Python codec that reads text labelled so, or None for no label, or one nothing knows."""
    label = re.split(r"[;(),]", (label or "").lower())[0].strip().strip("\"'\\ ").replace("_", "-")
    if label in _NO_LABEL or len(label) > 60:
        return None
    if label not in _ALIASES:  # x-cp1251, x-koi8-r, windows1252, win-1251, cp-850
        label = _NUMBERED.sub(r"cp\1", label.removeprefix("x-"))
    try:
        return codecs.lookup(_ALIASES.get(label, label)).name
    except LookupError:
        return None


def decode_text(data: bytes, declared: str | None = None, *, short: bool = False) -> str:
    """data as text by the rules above; short text (a header) is only ever guessed to be a single-byte charset."""
    codec = codec_for(declared)
    if codec and codec.startswith(_WIDE) and b"\x00" in data:
        decoded = _decoded(data, codec)
        if decoded is not None:
            return decoded
    if data.isascii():
        if codec is None and b"\x1b" in data:  # ISO-2022 escapes: Japanese as old mailers wrote it, unlabelled
            codec = "iso2022_jp_2"
        decoded = _decoded(data, codec) if codec and codec.startswith(_SEVEN_BIT) else None
        return decoded if decoded is not None else data.decode("ascii")
    decoded = _decoded(data, "utf-8-sig")  # a byte-order mark, which some Windows mailers write, is not text
    if decoded is not None:
        return decoded
    if _mostly_utf8(data):
        return data.decode("utf-8", "sopdash.cp1252")
    decoded = _decoded(data, codec) if codec and codec != "utf-8" else None
    if decoded is not None:
        return decoded
    western = windows_1252(data)
    if _plausible(western):
        return western
    return _guessed(data, _SINGLE_BYTE_LEGACY if short else _LEGACY) or western


def html_charset(data: bytes) -> str | None:
    """The charset an HTML document declares in its first bytes (`<meta charset=…>` or the http-equiv form)."""
    found = _META_CHARSET.search(data[:4096])
    return found[1].decode("ascii") if found else None


def windows_1252(data: bytes) -> str:
    """data read as Windows-1252, never failing."""
    return codecs.charmap_decode(data, "strict", _CP1252)[0]


def header_value(raw: str, hint: str | None = None, *, parameters: bool = False) -> str:
    """A header value as the `email` package stores it (8-bit bytes kept as surrogates) with its 8-bit bytes read
    (hint: the charset the message's text declares, which old mailers also wrote their headers in) and its
    encoded words rewritten as UTF-8 ones; with parameters (Content-Type, Content-Disposition), RFC 2231 values
    too."""
    if not raw.isascii() or "\x1b" in raw:
        raw = decode_text(raw.encode("utf-8", "surrogateescape"), hint, short=True)
    if "=?" in raw:
        raw = _ENCODED_WORDS.sub(_as_utf8_word, raw)
    if parameters and "*=" in raw:
        raw = _EXTENDED_PARAMETER.sub(_as_utf8_parameter, raw)
    return raw


def _decoded(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeError, LookupError, ValueError):
        return None


def _mostly_utf8(data: bytes) -> bool:
    """Whether at least half the 8-bit bytes of data's start are in well-formed UTF-8 sequences."""
    sample = data[:_SAMPLE]
    in_sequences = sum(len(sequence) for sequence in _UTF8_SEQUENCE.findall(sample))
    return in_sequences * 2 >= len(sample.translate(None, _ASCII))


def _plausible(text: str) -> bool:
    """Whether text read as Windows-1252 looks like a Western language rather than another charset's bytes."""
    sample = text[:_SAMPLE]
    if _C1_CONTROLS.search(sample) or _SYMBOL_IN_WORD.search(sample):
        return False
    letters = _LETTER.findall(sample)
    accented = sum(1 for letter in letters if not letter.isascii())
    return accented < 3 or accented * 10 <= len(letters) * 4


def _guessed(data: bytes, candidates: list[str]) -> str | None:
    from charset_normalizer import from_bytes

    sample = data[:_SAMPLE]
    sample = sample[: sample.rfind(b"\n") + 1 or len(sample)]  # whole lines, no character cut in two
    matches = list(from_bytes(sample, cp_isolation=candidates))
    if not matches:
        return None
    best = min(matches, key=lambda match: (round(match.chaos, 2), -round(match.coherence, 2), _prior(match)))
    return data.decode(best.encoding, "replace")


def _prior(match) -> int:
    return min(_LEGACY.index(name) if name in _LEGACY else len(_LEGACY) for name in match.could_be_from_charset)


def _as_cp1252(error: UnicodeDecodeError) -> tuple[str, int]:
    return windows_1252(error.object[error.start:error.end]), error.end


codecs.register_error("sopdash.cp1252", _as_cp1252)


def _as_utf8_word(run: re.Match) -> str:
    """A run of adjacent encoded words as one UTF-8 word; words in one charset are joined before decoding, since
    senders split a character's bytes across words."""
    groups: list[tuple[str, bytearray]] = []
    for charset, encoding, text in _ONE_WORD.findall(run[0]):
        data = _word_bytes(encoding, text)
        if data is None:
            return run[0]
        if groups and groups[-1][0] == charset.lower():
            groups[-1][1].extend(data)
        else:
            groups.append((charset.lower(), bytearray(data)))
    text = "".join(decode_text(bytes(data), charset, short=True) for charset, data in groups)
    return f"=?utf-8?b?{base64.b64encode(text.encode('utf-8', 'surrogatepass')).decode('ascii')}?="


def _word_bytes(encoding: str, text: str) -> bytes | None:
    if encoding in "qQ":
        decoded = header_decode(text)
        return decoded.encode("latin-1") if decoded.isascii() or max(decoded) <= "\xff" else decoded.encode("utf-8")
    text = text.rstrip("=")
    text = text[: len(text) - len(text) % 4] if len(text) % 4 == 1 else text + "=" * (-len(text) % 4)
    try:
        return binascii.a2b_base64(text)
    except ValueError:  # binascii.Error, or a character that is not ASCII
        return None


def _as_utf8_parameter(parameter: re.Match) -> str:
    """An RFC 2231 parameter value (`filename*=charset'lang'%xx`) with its charset read by these rules."""
    start, charset, language, value = parameter.groups()
    codec = codec_for(charset)
    if parameter.string[parameter.start() - 2:parameter.start()] == "*0":
        return f"{start}{codec or 'utf-8'}'{language}'{value}"  # more segments follow: only the label can be read
    data = re.sub(rb"%([0-9A-Fa-f]{2})", lambda m: bytes([int(m[1], 16)]), value.encode("utf-8", "surrogateescape"))
    text = decode_text(data, codec, short=True)
    quoted = "".join(f"%{byte:02X}" if chr(byte) in "%'\";\\ " or byte > 126 or byte < 33 else chr(byte)
                     for byte in text.encode("utf-8", "surrogatepass"))
    return f"{start}utf-8'{language}'{quoted}"
