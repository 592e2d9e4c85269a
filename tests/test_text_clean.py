"""Normalisation, redaction, language detection and comment flags (cxlab.text)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cxlab.exceptions import ParameterError
from cxlab.text import (detect_language, extract_handles, find_pii, flag_comments, normalize_text,
                        redact_pii)


# -- normalize_text ----------------------------------------------------------------------------
@pytest.mark.parametrize("raw, expected", [
    ("<p>Love <b>it</b></p> &amp; more", "Love it & more"),
    ("Fish &amp;amp; chips", "Fish & chips"),
    ("Iâ€™m happy", "I'm happy"),
    ("   lots   of\n\nspace  ", "lots of space"),
    ("see https://t.co/abc123 and www.shop.com/x now", "see and now"),
    ("@Loomwear my parcel", "my parcel"),
    ("#CustomerServiceFail again", "customer service fail again"),
    ("order #LW123456 and #12345", "order #LW123456 and #12345"),
    ("ｆｕｌｌ width", "full width"),
])
def test_normalize_text_cases(raw, expected):
    assert normalize_text(raw) == expected


def test_normalize_keeps_emoji_and_email_user_part():
    out = normalize_text("@brand love it 😍👍 mail me at jo@mail.com")
    assert "😍" in out and "👍" in out
    assert "jo@mail.com" in out  # an email is not a handle (redaction handles it)


def test_normalize_missing_and_series_keeps_index():
    s = pd.Series(["<i>a</i>", None, np.nan], index=[10, 20, 30])
    out = normalize_text(s)
    assert out.index.tolist() == [10, 20, 30]
    assert out.tolist() == ["a", "", ""]
    assert normalize_text(None) == ""


def test_extract_handles():
    assert extract_handles("@United thanks! cc @jane_doe, bob@x.com") == ["united", "jane_doe"]
    assert extract_handles(None) == []


# -- redact_pii -------------------------------------------------------------------------------
@pytest.mark.parametrize("raw, kind", [
    ("mail jo.bloggs+x@example.co.uk now", "EMAIL"),
    ("call 07700 900123 today", "PHONE"),
    ("call +44 20 7946 0958 today", "PHONE"),
    ("call (555) 123-4567 today", "PHONE"),
    ("call 1-800-555-0199 today", "PHONE"),
    ("ring me on 0044 20 7946 0958 please", "PHONE"),
    ("ring 0033 6 12 34 56 78 please", "PHONE"),
    ("phone 06 12 34 56 78 please", "PHONE"),
    ("phone 06.12.34.56.78 please", "PHONE"),
    ("phone 0161 496 0000 please", "PHONE"),
    ("phone 07700 900 123 please", "PHONE"),
    ("phone 030 1234567 please", "PHONE"),
    ("phone 030/1234567 please", "PHONE"),  # German area code with a slash
    ("phone 06-12345678 please", "PHONE"),  # Dutch mobile
    ("phone 0412 345 678 please", "PHONE"),  # Australian mobile
    ("phone (02) 9876 5432 please", "PHONE"),  # Australian landline
    ("card 4111 1111 1111 1111 was charged", "CARD"),
    ("card 5500-0000-0000-0004 was charged", "CARD"),
    ("iban GB82 WEST 1234 5698 7654 32 please", "IBAN"),
    ("send it to SW1A 1AA please", "POSTCODE"),
    ("I live at 221b Baker Street in town", "ADDRESS"),
])
def test_redact_each_kind(raw, kind):
    out = redact_pii(raw)
    assert f"[{kind}]" in out
    assert kind in find_pii(raw)
    # the surrounding words survive
    assert out.split()[0] == raw.split()[0]


@pytest.mark.parametrize("raw", [
    "ordered on 2025-01-15 at 10:30 for £1,234.56",
    "delivered 12/03/2025, took 3 hours",
    "order #LW123456 is missing",
    "order number 5551234567 never came",
    "tracking number 1234567890123 shows nothing",
    "card 4111 1111 1111 1112 fails the Luhn check",
    "a 3 hour drive and 59 one way",
    "flight UA1234 delayed",
    "flight AA1234 left at 10:30, 3 hours late",
    "delivered 01.12.2023 10:30 after 45 minutes",
    "sizes 6 8 10 12 14 all sold out",
    "2 x 250ml for €12.00, 3 for £1,234,567.00 or €1.234.567,00",
    "order #4111111111111112 never came",
    "order number 0612345678 never came",
    "dates 01/12/2023 and 05/2023, size 08/10",
    "paid 0.99 then 12345678 points",
])
def test_non_pii_is_kept(raw):
    assert redact_pii(raw) == raw
    assert find_pii(raw) == []


@pytest.mark.parametrize("raw, expected", [
    ("Paid with card #4111 1111 1111 1111", "Paid with card #[CARD]"),
    ("order #4111111111111111 charged twice", "order #[CARD] charged twice"),
    ("case #5500-0000-0000-0004 was charged", "case #[CARD] was charged"),
])
def test_reference_cue_does_not_protect_a_card(raw, expected):
    assert redact_pii(raw) == expected
    assert find_pii(raw) == ["CARD"]


@pytest.mark.parametrize("raw, expected", [
    ("order #LW123456 is missing", "order #[REF] is missing"),
    ("Order number: LW734158. Too big", "Order number: [REF]. Too big"),
    ("I placed an order (LW171361) for a dress", "I placed an order ([REF]) for a dress"),
    ("still waiting, lw522422 never came", "still waiting, [REF] never came"),
    ("tracking number 1Z999AA10123456784 shows nothing", "tracking number [REF] shows nothing"),
    ("ticket #4567 and case 88213 unanswered", "ticket #[REF] and case [REF] unanswered"),
    ("order number 5551234567 never came", "order number [REF] never came"),
])
def test_references_are_redacted_for_quotes(raw, expected):
    assert redact_pii(raw, references=True) == expected
    assert redact_pii(raw) == raw  # kept in the stored text, to trace a complaint to its order


@pytest.mark.parametrize("raw", [
    "ordered on 2025-01-15 at 10:30 for £1,234.56",
    "order 2025-01-15 came late, item 3 of 4",
    "flight UA1234 delayed, A380 cabin",
    "my order 10am slot, ticket 24hrs later",
    "sizes 6 8 10 12 14 all sold out, #1 fan",
])
def test_reference_redaction_keeps_what_is_not_a_reference(raw):
    assert redact_pii(raw, references=True) == raw


def test_a_card_after_a_cue_stays_a_card_with_references():
    assert redact_pii("order #4111111111111111 charged twice", references=True) == "order #[CARD] charged twice"


def test_redact_series_and_missing():
    s = pd.Series(["a@b.com", None], index=["x", "y"], name="text")
    out = redact_pii(s)
    assert out.tolist() == ["[EMAIL]", ""]
    assert out.index.tolist() == ["x", "y"] and out.name == "text"


def test_redact_extra_patterns_and_bad_pattern():
    assert redact_pii("member M-123456 here", extra_patterns={"MEMBER": r"M-\d{6}"}) == "member [MEMBER] here"
    with pytest.raises(ParameterError, match=r"extra_patterns\['BAD'\] is not a valid regular expression"):
        redact_pii("x", extra_patterns={"BAD": "("})


# -- language and flags -----------------------------------------------------------------------
def test_detect_language_flags_other_languages():
    texts = ["Le colis est arrivé en retard et la boîte était abîmée",
             "El pedido llegó tarde y el servicio fue muy malo",
             "Die Lieferung kam viel zu spät und der Kundenservice war unfreundlich",
             "Il vestito è bellissimo ma la taglia è sbagliata"]
    assert detect_language(texts).tolist() == ["fr", "es", "de", "it"]


def test_detect_language_short_english_not_misflagged():
    short = ["love it", "great fit", "too small", "still waiting", "rude staff", "ok",
             "fast delivery thanks", "wrong size sent", "never again", "meh", "5 stars",
             "app keeps crashing", "the dress runs small", "refund please", "cheap fabric"]
    langs = detect_language(short)
    assert (langs.isin(["en", "und"])).all(), langs[~langs.isin(["en", "und"])]
    assert detect_language(["😍😍", "", None, "!!!"]).tolist() == ["und"] * 4


def test_flag_comments_counts():
    texts = pd.Series(["", None, "n/a", "Great", "=HYPERLINK(\"http://x\")", "+SUM(A1:A2)",
                       "Très bien, merci beaucoup pour la livraison rapide",
                       "<b>bold</b> claim", "call me on 07700 900123", "@brand where is my order?",
                       "- the fit is lovely"], index=range(100, 111))
    flags = flag_comments(texts)
    assert flags.index.equals(texts.index)
    assert flags.dtypes.eq(bool).all()
    assert flags["is_empty"].tolist()[:3] == [True, True, True]
    assert flags.loc[103, "is_short"]
    assert flags.loc[[104, 105], "has_formula"].all()
    assert not flags.loc[[109, 110], "has_formula"].any()  # a tweet or a dash is not a formula
    assert flags.loc[106, "is_non_english"]
    assert flags.loc[107, "has_html"]
    assert flags.loc[108, "has_pii"]
    assert flags.sum().to_dict()["is_non_english"] == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Order never came. Kind regards, Ryan Jones", "Order never came. Kind regards, [NAME]"),
        ("Thanks,\nEmma", "Thanks,\n[NAME]"),
        ("Best, Emma Lewis. email me: emma@example.com", "Best, [NAME]. email me: [EMAIL]"),
        ("My name is Sarah Connor and I want a refund", "My name is [NAME] and I want a refund"),
        ("Regards - John", "Regards - [NAME]"),
        ("parcel lost again. thank you, tariq", "parcel lost again. thank you, [NAME]"),  # lower case, at the end
        ("great service, thanks, sam.", "great service, thanks, [NAME]."),
    ],
)
def test_redact_pii_removes_names_in_sign_offs(text, expected):
    assert redact_pii(text) == expected


@pytest.mark.parametrize(
    "text",
    ["Thanks Loomwear!", "thanks for nothing", "Best dress ever", "Thank you Customer Service",
     "Love it. Thanks!", "Best Buy had it cheaper", "thanks, guys", "ok thanks, bye!",
     "thanks, anyway it was late", "thank you, team"],
)
def test_redact_pii_keeps_sign_off_words_without_a_name(text):
    assert redact_pii(text) == text
