"""Charsets read the way mail clients read them: corpus messages named for each case, read by `read_message` and
piped to `sopdash mail receive`, and the rules of mail/charsets.py one by one.

The corpus messages were written for these tests in the formats senders really use: raw 8-bit header bytes (Latin-1
from old mailers, UTF-8 per RFC 6532), labels Python does not know (iso-8859-8-i, x-mac-cyrillic, unknown-8bit),
UTF-8 labelled us-ascii, x-unknown, iso-8859-1, gb2312 or iso-2022-jp or not labelled, Windows-1252 labelled UTF-8,
HTML whose charset is only in its <meta>, raw ISO-2022-JP headers, and file names in raw bytes, RFC 2231 and encoded
words (quoted, as Outlook writes them, and split inside a character).
"""

from __future__ import annotations

import base64
import io
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sopdash.mail.charsets import codec_for, decode_text, header_value
from sopdash.mail.parse import read_message
from sopdash.store.ticket_store import TicketStore

CORPUS = Path(__file__).parent / "corpus"

# (file, From display name, subject, start of the body, attachment names)
CASES = [
    ("header_8bit_latin1.eml", "Wilhelmsen H\u00e5vard", "Fr\u00f6sche im Teich - Drucker gibt nur M\u00fcll aus",
     "Hallo,\n\nder Drucker druckt Fr\u00f6sche statt Rechnungen.\n\nGru\u00df\nH\u00e5vard", []),
    ("header_8bit_utf8.eml", "M\u00fcller, J\u00fcrgen", "Pr\u00e4sentation l\u00e4sst sich nicht \u00f6ffnen",
     "Die Pr\u00e4sentation f\u00fcr Montag \u00f6ffnet sich nicht.", ["Pr\u00e4sentation Q4.ppt"]),
    ("charset_iso_8859_8_i.eml", "\u05d3\u05d5\u05d3 \u05dc\u05d5\u05d9",
     "\u05d4\u05de\u05d3\u05e4\u05e1\u05ea \u05dc\u05d0 \u05e2\u05d5\u05d1\u05d3\u05ea",
     "\u05e9\u05dc\u05d5\u05dd,\n\u05d4\u05de\u05d3\u05e4\u05e1\u05ea", []),
    ("charset_x_mac_cyrillic.eml", "\u041e\u043b\u044c\u0433\u0430",
     "\u041d\u0435 \u043f\u0435\u0447\u0430\u0442\u0430\u0435\u0442 \u043f\u0440\u0438\u043d\u0442\u0435\u0440",
     "\u0417\u0434\u0440\u0430\u0432\u0441\u0442\u0432\u0443\u0439\u0442\u0435!\n"
     "\u041f\u0440\u0438\u043d\u0442\u0435\u0440 "
     "\u0432 \u043a\u0430\u0431\u0438\u043d\u0435\u0442\u0435 12", []),
    ("body_us_ascii_but_utf8.eml", "Zo\u00eb Adams", "Monitor flickers",
     "My monitor flickers since the update \u2013 it\u2019s the caf\u00e9\u2019s desk", []),
    ("body_x_unknown_but_utf8.eml", "Ren\u00e9e Dubois", "Imprimante",
     "L\u2019imprimante du 3\u1d49 \u00e9tage affiche \u00ab bourrage papier \u00bb.", []),
    ("body_no_charset_utf8.eml", "S\u00f8ren Kierkegaard", "VPN",
     "Jeg kan ikke logge p\u00e5 VPN fra K\u00f8benhavn.", []),
    ("body_utf8_label_but_cp1252.eml", "Jose Garcia", "Contrase\u00f1a caducada",
     "Mi contrase\u00f1a caduc\u00f3 \u2013 no puedo entrar en el \u201cportal\u201d.", []),
    ("body_latin1_label_but_utf8.eml", "Chloe Martin", "Acc\u00e8s refus\u00e9",
     "Acc\u00e8s refus\u00e9 au dossier \u00ab Comptabilit\u00e9 \u00bb depuis ce matin.", []),
    ("body_gb2312_label_but_utf8.eml", "\u738b\u4f1f", "\u6253\u5370\u673a\u4e0d\u5de5\u4f5c\u4e86",
     "\u4f60\u597d\uff0c\u4e09\u697c\u7684\u6253\u5370\u673a\u4e0d\u5de5\u4f5c\u4e86\u3002", []),
    ("body_iso2022jp_label_but_utf8.eml", "\u5c71\u7530\u592a\u90ce",
     "\u30d7\u30ea\u30f3\u30bf\u30fc\u304c\u52d5\u304d\u307e\u305b\u3093",
     "\u30d7\u30ea\u30f3\u30bf\u30fc\u304c\u52d5\u304d\u307e\u305b\u3093\u3002", []),
    ("body_unknown_8bit_cp1251.eml", "\u0418\u0432\u0430\u043d \u041f\u0435\u0442\u0440\u043e\u0432",
     "\u041d\u0435 \u0440\u0430\u0431\u043e\u0442\u0430\u0435\u0442 \u043f\u043e\u0447\u0442\u0430",
     "\u0414\u043e\u0431\u0440\u044b\u0439 \u0434\u0435\u043d\u044c!\n\n\u0421 \u0443\u0442\u0440\u0430 "
     "\u043d\u0435 \u0440\u0430\u0431\u043e\u0442\u0430\u0435\u0442 \u043f\u043e\u0447\u0442\u0430", []),
    ("html_meta_charset_no_label.eml", "Anna Kowalska", "Drukarka",
     "Drukarka na trzecim pi\u0119trze nie dzia\u0142a.\n\nPozdrawiam, Anna Kowalska", []),
    ("header_raw_iso2022jp.eml", "\u9234\u6728\u82b1\u5b50",
     "\u4f1a\u8b70\u5ba4\u306e\u30d7\u30ed\u30b8\u30a7\u30af\u30bf\u30fc",
     "\u4f1a\u8b70\u5ba4\u306e\u30d7\u30ed\u30b8\u30a7\u30af\u30bf\u30fc"
     "\u304c\u6620\u308a\u307e\u305b\u3093\u3002", []),
    ("attachment_names_charsets.eml", "Ann Example", "Files", "Four files attached.",
     ["Bestell\u00fcbersicht.xlsx", "\u0421\u0447\u0451\u0442.pdf", "\u05e6\u05d9\u05dc\u05d5\u05dd.png",
      "\u041e\u0442\u0447\u0451\u0442 \u0437\u0430 \u043d\u043e\u044f\u0431\u0440\u044c.pdf"]),
]


@pytest.mark.parametrize(("name", "sender_name", "subject", "body", "attachments"), CASES, ids=[c[0] for c in CASES])
def test_corpus_message_reads_as_its_sender_wrote_it(name, sender_name, subject, body, attachments):
    mail = read_message((CORPUS / name).read_bytes())
    assert (mail.sender_name, mail.subject) == (sender_name, subject)
    assert mail.text.startswith(body), mail.text
    assert [part.filename for part in mail.attachments] == attachments
    assert "\ufffd" not in mail.sender_name + mail.subject + mail.text


def pipe(sopdash, monkeypatch, raw: bytes):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
    return sopdash("mail", "receive")


@pytest.mark.parametrize("name", ["header_8bit_latin1.eml", "body_utf8_label_but_cp1252.eml",
                                  "attachment_names_charsets.eml"])
def test_received_ticket_shows_the_decoded_text(mail_env, sopdash, monkeypatch, name):
    _, sender_name, subject, body, attachments = next(case for case in CASES if case[0] == name)
    assert pipe(sopdash, monkeypatch, (CORPUS / name).read_bytes()).out.startswith("ticket #1")
    ticket = TicketStore(mail_env).get(1)
    assert (ticket.subject, ticket.requester.name) == (subject, sender_name)
    assert ticket.body.startswith(body)
    (entry,) = [e for e in ticket.timeline if e.inbound]
    assert [a.name for a in entry.inbound.attachments] == attachments


@pytest.mark.parametrize(("label", "codec"), [
    ("iso-8859-8-i", "iso8859-8"), ("X-MAC-CYRILLIC", "mac-cyrillic"), ('"gb2312"', "gb18030"),
    ("ks_c_5601-1987", "cp949"), ("iso-8859-1", "cp1252"), ("x-unknown", None), ("unknown-8bit", None),
    ("us-ascii", None), ("", None), (None, None), ("no-such-charset", None), ("utf8", "utf-8"),
    ("x-cp1251", "cp1251"), ("windows1252", "cp1252"), ("utf-8 (see below)", "utf-8"), ("x-koi8-r", "koi8-r"),
])
def test_labels_are_read_by_alias(label, codec):
    assert codec_for(label) == codec


def test_utf8_with_stray_windows_1252_bytes_keeps_both():
    data = "R\u00e9sum\u00e9 attached \u2013 ".encode() + "see \u201cnotes\u201d".encode("cp1252")
    assert decode_text(data, "utf-8") == "R\u00e9sum\u00e9 attached \u2013 see \u201cnotes\u201d"


def test_utf8_labelled_latin_1_with_a_stray_byte_is_still_utf8():
    data = "Caf\u00e9 \u2013 ".encode() + "r\u00e9sum\u00e9".encode("latin-1")
    assert decode_text(data, "iso-8859-1") == "Caf\u00e9 \u2013 r\u00e9sum\u00e9"


def test_declared_legacy_charset_is_kept_when_it_reads():
    text = "\u041d\u0435 \u0440\u0430\u0431\u043e\u0442\u0430\u0435\u0442 VPN"
    assert decode_text(text.encode("koi8-r"), "koi8-r") == text
    assert decode_text("caf\u00e9 \u2013 ok".encode("cp1252"), "iso-8859-1") == "caf\u00e9 \u2013 ok"


def test_seven_bit_charsets_still_read_when_labelled():
    text = "\u30d7\u30ea\u30f3\u30bf\u30fc"
    assert decode_text(text.encode("iso2022_jp"), "iso-2022-jp") == text


def test_raw_8bit_header_uses_the_message_charset_as_hint():
    name = "\u0418\u0432\u0430\u043d"
    raw = name.encode("koi8-r").decode("ascii", "surrogateescape")
    assert header_value(raw, "koi8-r") == name


def test_encoded_words_split_inside_a_character_are_joined():
    data = "\u00dcbersicht".encode()
    raw = f"=?utf-8?B?{base64.b64encode(data[:1]).decode()}?= =?UTF-8?B?{base64.b64encode(data[1:]).decode()}?="
    (word,) = header_value(raw).split()
    assert base64.b64decode(word[10:-2]).decode() == "\u00dcbersicht"


@given(st.binary(max_size=200), st.sampled_from(["utf-8", "gb2312", "x-unknown", "iso-2022-jp", "utf-16", "", "x"]))
def test_any_bytes_under_any_label_decode(data, label):
    assert isinstance(decode_text(data, label), str)


@given(st.text(max_size=120))
def test_any_header_value_decodes(raw):
    assert isinstance(header_value(raw.encode("utf-8", "surrogatepass").decode("ascii", "surrogateescape")), str)


def test_rfc_2231_values_are_read_only_in_parameters():
    assert header_value("a *= b'c'd") == "a *= b'c'd"
    value = header_value("attachment; filename*=''%C3%A9t%E9.pdf", parameters=True)
    assert value == "attachment; filename*=utf-8''%C3%A9t%C3%A9.pdf"
