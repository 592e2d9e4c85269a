"""Personal-data redaction: emails, phones, card numbers, IBANs, UK postcodes, street addresses, names.

Every text cxlab stores, shows, quotes or exports goes through :func:`redact_pii` first. Matches
become typed placeholders (``[EMAIL]``, ``[PHONE]``, ``[CARD]``, ``[IBAN]``, ``[POSTCODE]``,
``[ADDRESS]``, ``[NAME]``) so a reader still sees that something was there.

Names are found where customers reliably write them: after a sign-off at the end of a message
("Kind regards, Ryan Jones", "Thanks,\nEmma") and after "my name is". Names elsewhere in free text
cannot be told from product or place names without a named-entity model, which cxlab does not
download; they are left alone.

What is deliberately NOT treated as personal data: dates, times, prices and amounts, durations
("3 hours"). Order/booking/ticket references (``order #LW123456``, ``ref 12345678``) are kept in
the stored text (``references=False``, the default): a researcher traces a complaint to its order
with them. Text *shown to readers* - quotes in reports and notebooks - is redacted with
``references=True``: a reference links the quote to one customer's order, so a reader with the
order system could tell who wrote it; there it becomes ``[REF]``. A reference is a code with at
least four characters, three of them digits, after a cue ("order", "ref", "ticket", "#", ...), or letters
followed by five or more digits anywhere (``LW143935``). The exception is a 13-19 digit number that
passes the card checksum: customers write "card #4111 ...", so it is a ``[CARD]`` whatever the cue
(about one long reference in ten passes the checksum by chance and is redacted too).
"""
from __future__ import annotations

import re

import pandas as pd

from cxlab.exceptions import ParameterError
from cxlab.text._normalize import is_missing_text

__all__ = ["redact_pii", "find_pii", "PII_KINDS"]

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})+\b")
# 2-letter country, 2 check digits, 11-30 alphanumerics, optionally grouped by 4.
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?\b")
_CARD = re.compile(r"(?<![\w-])\d(?:[ -]?\d){12,18}(?![\w-])")
_PHONE = re.compile(
    r"(?<![\w+])(?:"
    # +44 20 7946 0958, 0044 20 7946 0958
    r"(?:\+|00(?=[1-9]))\d{1,3}[ .-]?(?:\(0\)[ .-]?)?(?:\(?\d{1,4}\)?[ .-]?){1,4}\d{2,4}"
    # 020 7946 0958, 07700 900123, 030 1234567, (02) 9876 5432, 0412 345 678, 030/1234 567
    r"|\(?0\d{1,4}\)?[ ./-]?\d{3,4}[ .-]?\d{3,4}"
    r"|\(?0\d{1,4}\)?[ ./-]?\d{5,8}"  # 030/1234567, 06-12345678
    # 06 12 34 56 78: one separator throughout, so "01.12.2023 10:30" is not a phone
    r"|0[1-9](?P<sep>[ .-])\d{2}(?:(?P=sep)\d{2}){3}"
    r"|\(?[2-9]\d{2}\)?[ .-]?\d{3}[ .-]?\d{4}"  # (555) 123-4567, 555.123.4567
    r"|1[ .-]\(?[2-9]\d{2}\)?[ .-]?\d{3}[ .-]?\d{4}"  # 1-800-555-0199
    r")(?![\w])"
)
_POSTCODE = re.compile(
    r"\b(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})\b", re.I
)
_STREET_TYPES = (
    "street|st|road|rd|avenue|ave|lane|ln|drive|dr|close|way|court|ct|boulevard|blvd|place|pl|"
    "crescent|terrace|gardens|grove|square|sq|mews|parkway|highway|hwy"
)
# House number, one to three Capitalised name words, a street type ("12 Baker Street",
# "221b Elm Rd"). Names must be capitalised: "a 3 hour drive" or "59 one way" are not addresses.
_ADDRESS = re.compile(
    rf"(?<![$£€\w.,])\d{{1,5}}[A-Za-z]?,?\s+(?:[A-Z][a-z'-]+\s+){{1,3}}(?i:{_STREET_TYPES})\b\.?"
)
# Words that mark the following number as a reference, not a phone or card.
_CUE_WORDS = (r"order|ref|reference|booking|ticket|case|invoice|tracking|confirmation|item|sku|parcel|"
              r"consignment|receipt")
_REFERENCE_CUE = re.compile(
    rf"(?:\b(?:{_CUE_WORDS})\s*(?:no\.?|number|num|id|ref)?\s*(?:is|was)?\s*[:#]?\s*|#\s*)$",
    re.I,
)

# A reference: after a cue, a code of 4+ characters with 3+ digits (not an ISO date); or, with no
# cue, 1-4 letters then 5+ digits ("LW143935"). Only the code is replaced.
_REF = re.compile(
    rf"(?:\b(?:{_CUE_WORDS})(?:\s*(?:no\.?|number|num|id|ref|code))?(?:\s+(?:is|was))?\s*[:#(]?\s*|#\s*)"
    r"(?P<code>(?!\d{4}-\d{2}-\d{2}\b)(?=(?:[A-Za-z-]*\d){3})(?:[A-Za-z]{1,4}-?)?\d[\dA-Za-z-]{3,})\b"
    r"|(?<![\w#-])(?P<bare>[A-Za-z]{1,4}-?\d{5,})\b",
    re.I,
)

_NAME_WORD = r"[A-Z][a-z'’-]+"
_SIGN_OFF = (
    r"kind regards|best regards|warm regards|many thanks|thanks again|thank you|best wishes|"
    r"all the best|yours sincerely|yours faithfully|yours truly|sincerely|regards|thanks|cheers|best"
)
# A sign-off, then a comma/newline and one to three Capitalised words, or two to three without
# the separator, then only punctuation, a placeholder or an email up to the end of the text.
_NAME = re.compile(
    rf"(?:\b(?i:{_SIGN_OFF})(?:\s*[,\n]\s*|\s*[-–—]\s*)(?P<a>{_NAME_WORD}(?:[ ]{_NAME_WORD}){{0,2}})"
    rf"|\b(?i:{_SIGN_OFF})[ ](?P<b>{_NAME_WORD}[ ]{_NAME_WORD}(?:[ ]{_NAME_WORD})?))"
    r"(?=[\s.!,;:)]*(?:$|\n|\[|\S+@\S+|(?i:email|e-mail|tel|phone|mob)))"
    rf"|\b(?i:my name is|my name's|name:)\s+(?P<c>{_NAME_WORD}(?:[ ]{_NAME_WORD}){{0,2}})"
    # a lower-case name signing off the very end of a comment: "... thank you, tariq"
    rf"|\b(?i:{_SIGN_OFF})[ ]?,[ ]?(?P<d>[a-z][a-z'’-]{{1,20}})(?=[\s.!]*$)"
)

# Capitalised words after a sign-off that address a team, not a person ("Thank you Customer Service").
_NOT_NAMES = frozenset(
    "customer customers service services support team staff everyone all guys folks you so very "
    "again much lot delivery driver courier store shop app website company management "
    "bye anyway though x xx xxx lol love regardless bro mate".split()
)

#: kinds in the order they are searched (most specific first)
PII_KINDS = ("EMAIL", "IBAN", "CARD", "PHONE", "ADDRESS", "POSTCODE", "NAME")


def _luhn_ok(digits: str) -> bool:
    total, parity = 0, len(digits) % 2
    for i, ch in enumerate(digits):
        d = int(ch)
        if i % 2 == parity:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def _iban_ok(candidate: str) -> bool:
    s = candidate.replace(" ", "")
    if not 15 <= len(s) <= 34 or not any(c.isdigit() for c in s[4:]):
        return False
    rearranged = s[4:] + s[:4]
    try:
        number = int("".join(str(int(c, 36)) for c in rearranged))
    except ValueError:
        return False
    return number % 97 == 1


def _is_reference(text: str, start: int) -> bool:
    return bool(_REFERENCE_CUE.search(text[max(0, start - 24):start]))


def _scan(text: str, kinds: dict[str, re.Pattern]) -> list[tuple[int, int, str]]:
    """Non-overlapping (start, end, kind) spans, earlier kinds winning overlaps."""
    spans: list[tuple[int, int, str]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e, _ in spans)

    for kind, pattern in kinds.items():
        for m in pattern.finditer(text):
            a, b = m.span()
            if kind == "REF":  # only the code, not its cue
                a, b = m.span("code" if m.group("code") else "bare")
            if kind == "NAME":  # only the name itself, not the sign-off before it
                group = next(g for g in ("a", "b", "c", "d") if m.group(g))
                if any(w.lower() in _NOT_NAMES for w in m.group(group).split()):
                    continue
                a, b = m.span(group)
            if not free(a, b):
                continue
            value = m.group(0)
            if kind == "IBAN" and not _iban_ok(value):
                continue
            if kind == "CARD":
                digits = re.sub(r"\D", "", value)
                # a reference cue does not protect a card: "card #4111 ..." (see module notes)
                if not _luhn_ok(digits) or len(set(digits)) == 1:
                    continue
            if kind == "PHONE":
                digits = re.sub(r"\D", "", value)
                if len(digits) < 9 or _is_reference(text, a):
                    continue
            spans.append((a, b, kind))
    return sorted(spans)


def _patterns(extra_patterns, references: bool = False) -> dict[str, re.Pattern]:
    kinds = {"EMAIL": _EMAIL, "IBAN": _IBAN, "CARD": _CARD, **({"REF": _REF} if references else {}),
             "PHONE": _PHONE, "ADDRESS": _ADDRESS, "POSTCODE": _POSTCODE, "NAME": _NAME}
    for kind, pattern in (extra_patterns or {}).items():
        if not isinstance(kind, str) or not kind.isidentifier():
            raise ParameterError(
                f"extra_patterns keys must be placeholder names such as 'ORDER'; got {kind!r}"
            )
        try:
            kinds[kind.upper()] = re.compile(pattern) if isinstance(pattern, str) else pattern
        except re.error as exc:
            raise ParameterError(
                f"extra_patterns[{kind!r}] is not a valid regular expression ({exc}); "
                "pass a Python regex string"
            ) from None
    return kinds


_ASCII_DIGIT = re.compile(r"[0-9]")


def _has_digit(text: str) -> bool:
    # for ASCII text str.isdigit is exactly [0-9]: one regex scan instead of a Python loop
    if text.isascii():
        return _ASCII_DIGIT.search(text) is not None
    return any(ch.isdigit() for ch in text)


def _may_hold_pii(text: str, kinds: dict) -> bool:
    """Cheap gate: most comments hold no digit, no '@' and no name cue, and need no full scan."""
    if len(set(kinds) - {"REF"}) > len(PII_KINDS):  # project patterns may match anything
        return True
    return _has_digit(text) or "@" in text or _NAME.search(text) is not None


def _redact_one(text, kinds) -> str:
    if is_missing_text(text):
        return ""
    text = str(text)
    if not _may_hold_pii(text, kinds):
        return text
    spans = _scan(text, kinds)
    if not spans:
        return text
    out, last = [], 0
    for a, b, kind in spans:
        out.append(text[last:a])
        out.append(f"[{kind}]")
        last = b
    out.append(text[last:])
    return "".join(out)


def _find_one(text, kinds) -> list[str]:
    if is_missing_text(text):
        return []
    text = str(text)
    if not _may_hold_pii(text, kinds):
        return []
    return sorted({kind for _, _, kind in _scan(text, kinds)})


def redact_pii(text, *, extra_patterns: dict | None = None, references: bool = False):
    """Replace personal data by typed placeholders such as ``[EMAIL]`` and ``[PHONE]``.

    Finds emails, phone numbers (UK, US, European national and international forms with ``+`` or
    ``00``), card-like numbers (13-19 digits, spaces/dashes allowed, Luhn-checked), IBANs (mod-97
    checked), UK postcodes and street addresses that start with a house number (best effort).
    Dates, prices and durations are kept; order/booking references too unless ``references``
    (see the module notes).

    Parameters
    ----------
    text : str, None, NaN or pandas.Series
        One text or a Series (returns a Series with the same index and name).
    extra_patterns : dict, optional
        ``{"KIND": regex}`` for project-specific identifiers (e.g. member numbers); matches
        become ``[KIND]``.
    references : bool, default False
        Also replace order/booking/ticket references by ``[REF]``: for text shown to readers
        (quotes), where a reference could tie a comment to one customer.

    Returns
    -------
    str or pandas.Series
        Missing input gives ``""``.

    Examples
    --------
    >>> redact_pii("Call 07700 900123 or mail jo.bloggs@mail.com about order #LW123456")
    'Call [PHONE] or mail [EMAIL] about order #LW123456'
    >>> redact_pii("About order #LW123456 (placed as LW123456)", references=True)
    'About order #[REF] (placed as [REF])'
    """
    kinds = _patterns(extra_patterns, references)
    if isinstance(text, pd.Series):
        return pd.Series([_redact_one(t, kinds) for t in text], index=text.index, dtype=object,
                         name=text.name)
    return _redact_one(text, kinds)


def find_pii(text, *, extra_patterns: dict | None = None):
    """Return the kinds of personal data found in a text (sorted, unique).

    Parameters
    ----------
    text : str, None, NaN or pandas.Series
    extra_patterns : dict, optional
        As in :func:`redact_pii`.

    Returns
    -------
    list of str, or pandas.Series of lists (same index)

    Examples
    --------
    >>> find_pii("card 4111 1111 1111 1111, phone +44 20 7946 0958")
    ['CARD', 'PHONE']
    """
    kinds = _patterns(extra_patterns)
    if isinstance(text, pd.Series):
        return pd.Series([_find_one(t, kinds) for t in text], index=text.index, dtype=object,
                         name=text.name)
    return _find_one(text, kinds)
