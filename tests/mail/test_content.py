"""Nothing a client sends is lost: attachments in any nesting, winmail.dat, uuencoded files, HTML behind an empty
text part, forwards. Corpus messages are in tests/mail/corpus (sources in SOURCES)."""

from __future__ import annotations

import base64
import struct
import time
from pathlib import Path

from sopdash.mail import tnef
from sopdash.mail.parse import read_message
from sopdash.mail.quoting import fold_quoted
from sopdash.mail.uuencode import extract

CORPUS = Path(__file__).parent / "corpus"


def read(name: str):
    return read_message((CORPUS / name).read_bytes())


def files(mail) -> list[tuple[str, str, int]]:
    return [(part.filename, part.content_type, len(part.data)) for part in mail.attachments]


def test_thunderbird_pasted_screenshot_in_the_html_alternative_is_an_attachment():
    mail = read("thunderbird_pasted_screenshot.eml")
    assert files(mail) == [("aBcDeFgH1234.png", "image/png", 76)]
    assert mail.attachments[0].data.startswith(b"\x89PNG")
    assert mail.text.startswith("Hello,\n\nsince this morning's update") and "<p>" not in mail.text


def test_outlook_inline_image_in_related_and_a_file_beside_it_are_both_kept():
    mail = read("outlook_inline_image_and_file.eml")
    assert files(mail) == [("image001.png", "image/png", 76), ("Budget 2027 notes.pdf", "application/pdf", 125)]
    assert mail.text.startswith("Hi,\n\nExcel closes") and not mail.from_html


def test_a_message_that_is_only_an_attachment_keeps_it_and_says_so():
    mail = read("scanner_only_attachment.eml")
    assert files(mail) == [("Scan_20261126_101502.pdf", "application/pdf", 125)]
    assert mail.text == "[sopdash: the message has no text, only 1 attachment(s): Scan_20261126_101502.pdf]"


def test_mixed_with_nothing_but_a_file_keeps_it():
    raw = (
        b'From: a@example.com\nSubject: s\nContent-Type: multipart/mixed; boundary="b"\n\n--b\n'
        b'Content-Type: application/zip\nContent-Disposition: attachment; filename="logs.zip"\n\nPK\n--b--\n'
    )
    mail = read_message(raw)
    assert files(mail) == [("logs.zip", "application/zip", 2)] and "logs.zip" in mail.text


def test_signed_message_lists_its_files_once_and_not_its_signature():
    mail = read("smime_signed.eml")
    assert files(mail) == [("approval.pdf", "application/pdf", 125)]
    assert mail.text.startswith("Please give me read access")


def test_winmail_dat_becomes_the_files_inside_it():
    mail = read("outlook_winmail_dat.eml")
    assert [name for name, _, _ in files(mail)] == ["AUTHORS", "README"]
    assert mail.text.startswith("Here are AUTHORS and README")


def test_winmail_dat_alone_gives_its_text_as_the_body():
    mail = read("winmail_dat_only.eml")
    assert files(mail) == [("example.dat", "application/octet-stream", 1024)]
    assert mail.text == "hello world"


def test_a_winmail_dat_that_would_loop_for_ever_is_kept_as_it_came(monkeypatch):
    # one MAPI property block claiming 4,294,967,295 properties: tnefparse counts them all
    stream = tnef.SIGNATURE + b"\x01\x00" + b"\x01" + struct.pack("<HHI", 0x9003, 0x0006, 4) + b"\xff" * 4 + b"\x00\x00"
    raw = (
        b'From: a@example.com\nSubject: s\nContent-Type: multipart/mixed; boundary="b"\n\n--b\n'
        b"Content-Type: text/plain\n\nsee attached\n--b\nContent-Type: application/ms-tnef; name=winmail.dat\n"
        b"Content-Transfer-Encoding: base64\n\n" + base64.b64encode(stream) + b"\n--b--\n"
    )
    monkeypatch.setattr(tnef, "TIME_LIMIT", 1)
    started = time.monotonic()
    mail = read_message(raw)
    assert time.monotonic() - started < 5
    assert files(mail) == [("winmail.dat", "application/ms-tnef", len(stream))] and mail.text == "see attached"


def test_uuencoded_file_is_taken_out_of_the_text():
    mail = read("uuencoded_log.eml")
    ((name, data),) = [(part.filename, part.data) for part in mail.attachments]
    assert name == "spooler.log" and data.startswith(b"2026-11-26 07:58:01 ERROR spooler: job 4411")
    assert mail.text == "The spooler log from PRN-07 is below.\n\nKai\n"


def test_text_that_only_looks_like_uuencode_stays():
    text = "begin 644 the meeting\nIt starts at nine.\nend of story"
    assert extract(text) == (text, [])


def test_an_empty_plain_part_gives_way_to_the_html():
    mail = read("empty_plain_real_html.eml")
    assert mail.from_html and "Teams says no camera was found" in mail.text and "<div" not in mail.text


def test_apple_mail_forward_is_kept_with_its_quoted_lines():
    mail = read("apple_forward.eml")
    text, folded = fold_quoted(mail.text, mail.subject)
    assert not folded and "Begin forwarded message:" in text
    assert text.endswith("Keep your password here: http://secure-login.example.net/keep\n> \n> IT Service Desk")


def test_outlook_forward_is_kept_though_it_looks_like_quoted_history():
    mail = read("outlook_forward.eml")
    text, folded = fold_quoted(mail.text, mail.subject)
    assert not folded and text.endswith("Open the attached statement to avoid fees.")


def test_a_reply_to_a_forward_still_folds():
    text = "Thanks, deleted it.\n\nFrom: Help Desk <help@desk.example.org>\nSent: Thursday\nTo: Grace\n\nIt is phishing."
    assert fold_quoted(text, "RE: Fwd: Password expires today [#7]") == ("Thanks, deleted it.", True)


def test_apple_mail_text_around_an_inline_image_is_all_text():
    raw = (
        b'From: a@example.com\nSubject: s\nContent-Type: multipart/mixed; boundary="b"\n\n--b\n'
        b"Content-Type: text/plain\n\nBefore the photo.\n--b\nContent-Type: image/jpeg; name=IMG_0042.jpeg\n"
        b"Content-Disposition: inline; filename=IMG_0042.jpeg\n\n\xff\xd8\n--b\nContent-Type: text/plain\n\n"
        b"After the photo.\n--b--\n"
    )
    mail = read_message(raw)
    assert mail.text == "Before the photo.\nAfter the photo." and files(mail) == [("IMG_0042.jpeg", "image/jpeg", 2)]


def test_a_one_part_message_with_a_name_on_its_text_is_still_text():
    mail = read_message(b'From: a@example.com\nSubject: s\nContent-Type: text/plain; name="body.txt"\n\nThe printer is down.\n')
    assert (mail.text, mail.attachments) == ("The printer is down.\n", [])


def test_pgp_signed_alternative_keeps_its_text_and_leaves_the_signature_out():
    raw = (
        b'From: a@example.com\nSubject: s\nContent-Type: multipart/signed; protocol="application/pgp-signature";\n'
        b' micalg=pgp-sha256; boundary="sig"\n\n--sig\nContent-Type: multipart/alternative; boundary="alt"\n\n'
        b"--alt\nContent-Type: text/plain\n\nThe share is gone.\n--alt\nContent-Type: text/html\n\n<p>The share is gone.</p>\n"
        b'--alt--\n\n--sig\nContent-Type: application/pgp-signature; name="signature.asc"\n\n'
        b"-----BEGIN PGP SIGNATURE-----\nabc\n-----END PGP SIGNATURE-----\n--sig--\n"
    )
    mail = read_message(raw)
    assert (mail.text, mail.attachments, mail.from_html) == ("The share is gone.", [], False)


def test_an_outlook_invitation_keeps_its_calendar_part():
    raw = (
        b'From: a@example.com\nSubject: Invitation\nContent-Type: multipart/alternative; boundary="alt"\n\n'
        b"--alt\nContent-Type: text/plain\n\nPlease join.\n--alt\nContent-Type: text/html\n\n<p>Please join.</p>\n"
        b'--alt\nContent-Type: text/calendar; charset="utf-8"; method=REQUEST\n\nBEGIN:VCALENDAR\nEND:VCALENDAR\n--alt--\n'
    )
    mail = read_message(raw)
    assert mail.text == "Please join." and [part.content_type for part in mail.attachments] == ["text/calendar"]
