"""Which parts of a message are its text and which its attachments, in any nesting, the way mail clients show them.

- multipart/alternative: one rendering of the same text is read — the plain one, unless it is blank, then the
  HTML one; the images of any rendering (a pasted screenshot in the HTML's multipart/related) are attachments.
- multipart/related: its root part is read; the rest (inline images) are attachments.
- multipart/signed: the signed part is read; the detached signature is not content and is left out.
- multipart/mixed and any other multipart: each inline text part without a file name is text (Apple Mail splits
  the text around an inline image), everything else an attachment.
- A forwarded message (message/*) is one attachment, kept whole; a message that is only a file is one too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage

BODY_TYPES = ("text/plain", "text/html")
SIGNATURES = ("application/pgp-signature", "application/pkcs7-signature", "application/x-pkcs7-signature")
# other renderings of the text an alternative may carry (Apple Watch, Gmail AMP, enriched text): not attachments
_RENDERINGS = ("text/watch-html", "text/x-amp-html", "text/enriched", "text/richtext")


@dataclass
class Layout:
    """The text parts to read, in order, and the attachment parts, in order."""

    texts: list[EmailMessage] = field(default_factory=list)
    attachments: list[EmailMessage] = field(default_factory=list)

    def has_plain(self, read: Callable[[EmailMessage], str]) -> bool:
        return any(part.get_content_type() == "text/plain" and read(part).strip() for part in self.texts)

    def has_text(self, read: Callable[[EmailMessage], str]) -> bool:
        return any(read(part).strip() for part in self.texts)


def layout(message: EmailMessage, read: Callable[[EmailMessage], str]) -> Layout:
    """The text and attachment parts of message; `read` gives a text part's decoded text (to see it is blank)."""
    found = Layout()
    if message.get_content_type() in BODY_TYPES and message.get_content_disposition() != "attachment":
        found.texts.append(message)  # a one-part message is its text, whatever name a mailer gave it
    else:
        _walk(message, found, read)
    return found


def _walk(part: EmailMessage, found: Layout, read: Callable[[EmailMessage], str]) -> None:
    kind = part.get_content_type()
    if part.get_content_maintype() != "multipart" or not part.is_multipart():
        if kind in BODY_TYPES and not _is_file(part):
            found.texts.append(part)
        else:
            found.attachments.append(part)
        return
    children = list(part.iter_parts())
    subtype = part.get_content_subtype()
    if subtype == "alternative":
        _alternative(children, found, read)
    elif subtype == "related" and children:
        root = _root(part, children)
        _walk(root, found, read)
        for child in children:
            if child is not root:
                _attachments_in(child, found)
    else:
        if subtype == "signed":
            children = children[:1] + [child for child in children[1:] if child.get_content_type() not in SIGNATURES]
        for child in children:
            _walk(child, found, read)


def _alternative(children: list[EmailMessage], found: Layout, read: Callable[[EmailMessage], str]) -> None:
    """The plain rendering read when it has text, else the richest one with any; every rendering's files kept."""
    renderings = []
    for child in children:
        if child.get_content_type() in _RENDERINGS:
            continue
        rendering = Layout()
        _walk(child, rendering, read)
        renderings.append(rendering)
    chosen = next((r for r in renderings if r.has_plain(read)), None)
    if chosen is None:
        chosen = next((r for r in reversed(renderings) if r.has_text(read)), None)
    if chosen is not None:
        found.texts.extend(chosen.texts)
    for rendering in renderings:
        found.attachments.extend(rendering.attachments)


def _attachments_in(part: EmailMessage, found: Layout) -> None:
    """Every file in part (a related part's images, whatever their nesting)."""
    if part.get_content_maintype() == "multipart" and part.is_multipart():
        for child in part.iter_parts():
            _attachments_in(child, found)
    else:
        found.attachments.append(part)


def _root(related: EmailMessage, children: list[EmailMessage]) -> EmailMessage:
    """The part a multipart/related starts at: the one its `start` parameter names, else the first."""
    start = related.get_param("start")
    if isinstance(start, str) and start.strip():
        for child in children:
            if _content_id(child) == start.strip():
                return child
    return children[0]


def _content_id(part: EmailMessage) -> str:
    try:
        return str(part.get("Content-ID") or "").strip()
    except (ValueError, TypeError, LookupError, IndexError):  # a header beyond decoding names no part
        return ""


def _is_file(part: EmailMessage) -> bool:
    """A text part sent as a file (a disposition of attachment, or a file name) rather than as the text."""
    return part.get_content_disposition() == "attachment" or bool(part.get_filename())
