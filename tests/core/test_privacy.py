"""Masking of requester names, e-mails and phone numbers (SOP 5A)."""

from sopdash.core.model import Requester
from sopdash.core.privacy import mask_email, mask_name, mask_phone, mask_requester, scrub_text


def test_mask_name_keeps_initials_and_hides_lengths():
    assert mask_name("Alice Requester") == "A*** R***"
    assert mask_name("  Bo ") == "B***"
    assert mask_name("") == ""


def test_mask_email_keeps_first_letters_and_top_level_domain():
    assert mask_email("alice.requester@client.example.com") == "a***@c***.com"
    assert mask_email("root@localhost") == "r***@l***"
    assert mask_email("not-an-address") == "n***"
    assert mask_email("") == ""


def test_mask_phone_keeps_the_last_two_digits():
    assert mask_phone("+1 (555) 010-0234") == "***34"
    assert mask_phone("") == ""
    assert mask_phone("ext.") == ""


def test_mask_requester_masks_every_field():
    masked = mask_requester(Requester("Alice Requester", "alice@example.com", "555 0100 234"))
    assert masked == Requester("A*** R***", "a***@e***.com", "***34")


def test_scrub_text_masks_the_requester_name_and_any_address_or_number():
    requester = Requester("Alice Requester", "alice@example.com", "")
    text = "VPN for alice REQUESTER (alice@example.com, call +1 555 010 0234) since 2023-05-01"
    scrubbed = scrub_text(text, requester)
    assert scrubbed == "VPN for A*** R*** (a***@e***.com, call ***34) since 2023-05-01"


def test_scrub_text_leaves_words_that_only_contain_the_name():
    assert scrub_text("Alison asked Al", Requester("Al Bo")) == "Alison asked A***"
