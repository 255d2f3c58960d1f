"""One RFC 5322 message read into what the desk needs: who, what, which thread, robot signs, text, attachments.

Headers are parsed by Python's `email` package and bodies decoded by their transfer encoding (quoted-printable,
base64); their charsets, in headers, file names and bodies, are read the way mail clients read them
(mail/charsets.py). HTML-only mail (or mail whose text part is blank) becomes text through inscriptis, which is made for exactly
this and keeps lists and tables readable. Which parts are text and which attachments is `mail.parts`; files
inside a winmail.dat (`mail.tnef`) or uuencoded in the text (`mail.uuencode`) are attachments too.

Reading costs what an ordinary message costs whatever comes in: parts nested deeper than MAX_DEPTH (the
`email` package recurses once a level and would overflow the stack) are not read at all, only the headers
are, and HTML beyond MAX_HTML characters is not turned into text; a header field is cut and a message of too many
parts read as headers only before the `email` package sees it (`mail/bounds.py`). `unread` says what was left, so the
desk can tell the technician; the original is kept whole either way.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr

from sopdash.core.inbound import safe_file_name
from sopdash.core.text import one_line
from sopdash.mail import tnef, uuencode
from sopdash.mail.parts import layout
from sopdash.mail.charsets import codec_for, decode_text, header_value, html_charset
from sopdash.mail.bounds import MAX_HEADER_FIELD, MAX_PARTS, cut_headers, part_count

_MESSAGE_ID = re.compile(r"<[^<>\s]+>")
MAX_DEPTH = 32  # nested parts; real mail, forwards of forwards included, stays under ten
MAX_HTML = 2_000_000  # characters of an HTML-only body turned into text
MAX_ADDRESS = 254  # RFC 5321's longest path, and so the longest address anyone can send from
# what the nesting of a message is made of, in a lower-cased copy: a boundary declared, a boundary line (`--b`, or
# `--b--` closing), a forwarded message (which nests without a boundary of its own)
_STRUCTURE = re.compile(
    rb'boundary\s*=\s*(?:"([^"\r\n]{1,200})"|([^\s;"]{1,200}))|\n--([^\r\n]{1,200}?)(--)?[ \t]*\r?(?:\n|$)|message/rfc822'
)
_STRUCTURE_STARTS = (b"boundary", b"\n--", b"message/rfc822")
_BARE_MAIL_SYSTEMS = ("mailer-daemon", "postmaster")
AS_WRITTEN = policy.default.clone(refold_source="none")  # a forwarded message's headers kept as they came, not refolded


class Unparseable(ValueError):
    """Bytes that are not a mail message at all (no headers, no sender)."""


@dataclass(frozen=True)
class Part:
    """An attachment as it came: the name the sender gave, its type and its bytes."""

    filename: str
    content_type: str
    data: bytes


@dataclass
class IncomingMail:
    """A parsed message; `message` is the `email` object, for the robot and bounce checks."""

    message: EmailMessage
    message_id: str
    sender_name: str
    sender: str
    subject: str
    text: str
    parents: list[str] = field(default_factory=list)  # In-Reply-To then References, nearest first
    attachments: list[Part] = field(default_factory=list)
    from_html: bool = False
    unread: str = ""  # what of the message was not read, and why ("" when all of it was)

    def header(self, name: str) -> str:
        """A header's decoded value on one line ("" when absent)."""
        return one_line(_header_text(self.message, name))


def read_message(raw: bytes) -> IncomingMail:
    """The message in raw; Unparseable when there is nothing that looks like a mail message."""
    if not raw.strip():
        raise Unparseable("empty input")
    depth, parts = nesting_depth(raw), part_count(raw)
    readable, cut = cut_headers(raw)
    try:
        if depth > MAX_DEPTH or parts > MAX_PARTS:
            message = BytesParser(policy=policy.default).parsebytes(readable, headersonly=True)
        else:
            message = message_from_bytes(readable, policy=policy.default)
        name, sender = _sender(message)
        subject = one_line(_header_text(message, "Subject"))
    except (ValueError, TypeError, LookupError, IndexError, AttributeError) as error:  # malformed beyond repair
        raise Unparseable(f"cannot read the headers ({error})") from None
    if not sender:
        raise Unparseable("no sender address in From")
    if depth > MAX_DEPTH:
        text, from_html, attachments = "", False, []
        unread = f"its parts are nested {depth} levels deep, more than the {MAX_DEPTH} sopdash reads: none was read"
    elif parts > MAX_PARTS:
        text, from_html, attachments = "", False, []
        unread = f"it has {parts} parts, more than the {MAX_PARTS} sopdash reads: none was read"
    else:
        text, from_html, unread, attachments = _content(message)
    if cut:
        unread = "; ".join(filter(None, [unread, f"header {', '.join(cut)} over {MAX_HEADER_FIELD:,} bytes: cut"]))
    return IncomingMail(
        message=message,
        message_id=_message_id(message, raw),
        sender_name=name,
        sender=sender,
        subject=subject,
        text=text,
        parents=_parents(message),
        attachments=attachments,
        from_html=from_html,
        unread=unread,
    )


def nesting_depth(raw: bytes) -> int:
    """How deeply the parts of raw nest, read from its boundaries without parsing it (an estimate that is never low
    for a message the `email` package could read: a part whose closing line is missing counts until its parent ends).

    Only the places where a structure can start are looked at (found by `bytes.find`, ten times quicker than a
    pattern over the whole message), so a 50 MB attachment costs what copying it costs.
    """
    text = b"\n" + raw.lower()
    starts = sorted(at for start in _STRUCTURE_STARTS for at in _places(text, start))
    open_parts: list[bytes | None] = []  # boundaries still open, innermost last; None for a forwarded message
    deepest = 0
    for at in starts:
        match = _STRUCTURE.match(text, at)
        if match is None:
            continue
        declared, line = match[1] or match[2], match[3]
        if declared:
            open_parts.append(declared)
        elif line is not None:
            if line in open_parts:  # this part's boundary: every part opened inside it has ended
                del open_parts[len(open_parts) - open_parts[::-1].index(line):]
                if match[4]:
                    open_parts.pop()
        else:
            open_parts.append(None)
        deepest = max(deepest, len(open_parts))
    return deepest


def _places(text: bytes, needle: bytes):
    at = text.find(needle)
    while at != -1:
        yield at
        at = text.find(needle, at + 1)


def _parents(message: EmailMessage) -> list[str]:
    return message_ids(_header_text(message, "In-Reply-To")) + message_ids(_header_text(message, "References"))[::-1]


def message_ids(value: str) -> list[str]:
    """Every `<id>` in a header value, in order."""
    return _MESSAGE_ID.findall(value or "")


def _header_text(message: EmailMessage, name: str) -> str:
    """The first such header decoded (mail/charsets.py reads its bytes and encoded words; `email` its structure)."""
    try:
        raw = _raw_header(message, name)
        if raw is None:
            return ""
        return str(policy.default.header_factory(name, header_value(raw, _charset_hint(message, raw))))
    except (ValueError, TypeError, LookupError, IndexError):  # a header beyond decoding reads as absent
        return ""


def _raw_header(message: EmailMessage, name: str) -> str | None:
    """A header's value as received, unfolded, 8-bit bytes kept (as surrogates)."""
    name = name.lower()
    for key, value in message.raw_items():
        if key.lower() == name:
            return re.sub(r"[\r\n]", "", value) if isinstance(value, str) else str(value)
    return None


def _charset_hint(message: EmailMessage, raw: str) -> str | None:
    """For raw 8-bit bytes in a header, the charset the message's first text part declares: old mailers wrote their
    headers in it."""
    if raw.isascii():
        return None
    for part in message.walk():
        if part.get_content_maintype() == "text" and part.get_param("charset"):
            return part.get_content_charset()
    return None


def _sender(message: EmailMessage) -> tuple[str, str]:
    raw = _header_text(message, "From")
    addresses = [pair for pair in getaddresses([raw]) if pair[1]] or [parseaddr(raw)]
    name, address = addresses[0]
    address = address.strip().lower()
    if address in _BARE_MAIL_SYSTEMS or (not address and "<>" in raw):  # an MTA's bounce (a bare or null sender)
        return one_line(name), address or "mailer-daemon"
    if "@" not in address or len(address) > MAX_ADDRESS or not address.isprintable() or any(
        c.isspace() or c in "<>" for c in address
    ):
        return "", ""
    return one_line(name), address


def _message_id(message: EmailMessage, raw: bytes) -> str:
    """The Message-ID, or one made from the content, so a message without one is still handled once."""
    found = message_ids(_header_text(message, "Message-ID"))
    if found:
        return found[0]
    return f"<{hashlib.sha256(raw).hexdigest()[:32]}@no-message-id.sopdash>"


def _content(message: EmailMessage) -> tuple[str, bool, str, list[Part]]:
    """(the body text, whether it came from HTML, what was not read, the attachments) — see `mail.parts`.

    Uuencoded files in the text and the files in a winmail.dat become attachments; a winmail.dat's text is the
    body when there is no other, and a message with no text at all says which files it brought.
    """
    found = layout(message, _text_of)
    texts, from_html, unread, attachments = [], False, "", []
    for part in found.texts:
        text, html, note = _read(part)
        if not html:
            text, files = uuencode.extract(text)
            attachments += [Part(name, "application/octet-stream", data) for name, data in files]
        if text.strip():
            texts.append(text)
            from_html, unread = from_html or html, unread or note
    tnef_text = ""
    for part in found.attachments:
        unpacked = _unpacked(part)
        if unpacked is None:
            attachments.append(part)
            continue
        attachments += [Part(name, "application/octet-stream", data) for name, data in unpacked.files]
        tnef_text = tnef_text or unpacked.text.strip() or (html_to_text(unpacked.html[:MAX_HTML]) if unpacked.html else "")
    text = "\n".join(texts) or tnef_text
    attachments = _once(attachments)
    return text or _only_files(attachments), from_html, unread, attachments


def _read(part: EmailMessage) -> tuple[str, bool, str]:
    """A text part as text: (text, came from HTML, what was not read)."""
    content = _text_of(part)
    if part.get_content_subtype() != "html":
        return content, False, ""
    if len(content) > MAX_HTML:
        unread = f"its HTML text was {len(content):,} characters; the first {MAX_HTML:,} were read"
        return html_to_text(content[:MAX_HTML]), True, unread
    return html_to_text(content), True, ""


def _text_of(part: EmailMessage) -> str:
    """A text part decoded by its transfer encoding, then its charset read the way mail clients read it."""
    data = part.get_payload(decode=True) or b""
    charset = part.get_content_charset()
    if codec_for(charset) is None and part.get_content_subtype() == "html":
        charset = html_charset(data)
    return _normalised(decode_text(data, charset))


def _normalised(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def html_to_text(html: str) -> str:
    """Readable text from an HTML mail body (inscriptis; imported only when a message needs it)."""
    from inscriptis import get_text

    lines = [line.rstrip() for line in get_text(html).splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _unpacked(part: EmailMessage) -> tnef.Unpacked | None:
    """What a winmail.dat part holds; None for any other part, or a winmail.dat that cannot be unpacked."""
    data = _data(part)
    if not tnef.is_tnef(part.get_content_type(), _filename(part), data):
        return None
    unpacked = tnef.unpack(data)
    return unpacked if unpacked is not None and (unpacked.files or unpacked.text or unpacked.html) else None


def _once(attachments: list[EmailMessage | Part]) -> list[Part]:
    """Each attachment as a Part, the same file (name and bytes) listed once."""
    seen, parts = set(), []
    for attachment in attachments:
        part = attachment if isinstance(attachment, Part) else _as_part(attachment)
        key = (part.filename, hashlib.sha256(part.data).digest())
        if key not in seen:
            seen.add(key)
            parts.append(part)
    return parts


def _as_part(part: EmailMessage) -> Part:
    return Part(filename=_filename(part), content_type=part.get_content_type(), data=_data(part))


def _data(part: EmailMessage) -> bytes:
    """A part's bytes, decoded by its transfer encoding; a message/rfc822 part (a forwarded message) kept whole."""
    data = part.get_payload(decode=True)
    if data is None:
        data = part.as_bytes(policy=AS_WRITTEN) if part.get_content_maintype() == "message" else b""
    return data


def _only_files(attachments: list[Part]) -> str:
    """The body of a message that is only files: which they are."""
    if not attachments:
        return ""
    names = ", ".join(safe_file_name(a.filename, a.content_type, n) for n, a in enumerate(attachments, start=1))
    return f"[sopdash: the message has no text, only {len(attachments)} attachment(s): {names}]"


def _filename(part: EmailMessage) -> str:
    """The name the sender gave a part (Content-Disposition's filename, else Content-Type's name), its charset read
    like a header's."""
    for header, parameter in (("Content-Disposition", "filename"), ("Content-Type", "name")):
        raw = _raw_header(part, header)
        if raw is None:
            continue
        try:
            value = header_value(raw, part.get_content_charset(), parameters=True)
            name = policy.default.header_factory(header, value).params.get(parameter)
        except (ValueError, TypeError, LookupError, IndexError, AttributeError):
            continue
        if name:
            return name.strip()
    return ""
