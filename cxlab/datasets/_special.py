"""Untrusted-text hazards planted in a few comments: personal data, HTML, spreadsheet formulas.

Every planted value is returned so the ground truth can say which comment holds what.
"""
from __future__ import annotations

import random

_DOMAINS = ("gmail.com", "hotmail.co.uk", "yahoo.co.uk", "outlook.com", "btinternet.com", "icloud.com")
_STREETS = ("High Street", "Station Road", "Church Lane", "Victoria Road", "Park Avenue", "Mill Lane")
_TOWNS = (("Leeds", "LS6 2AB"), ("Bristol", "BS7 8QR"), ("Manchester", "M14 5TT"),
          ("Glasgow", "G12 8QQ"), ("Cardiff", "CF24 4HQ"), ("Norwich", "NR2 3PL"))


def _luhn_complete(digits: list[int]) -> list[int]:
    """Append the Luhn check digit, so planted card numbers look real to a validator."""
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 0:
            d = d * 2 - 9 if d * 2 > 9 else d * 2
        total += d
    return digits + [(10 - total % 10) % 10]


def _card(rnd: random.Random) -> str:
    digits = _luhn_complete([4] + [rnd.randrange(10) for _ in range(14)])
    s = "".join(map(str, digits))
    style = rnd.random()
    if style < 0.5:
        return " ".join(s[i:i + 4] for i in range(0, 16, 4))
    if style < 0.75:
        return "-".join(s[i:i + 4] for i in range(0, 16, 4))
    return s


def _phone(rnd: random.Random) -> str:
    tail = f"{rnd.randrange(1000):03d}"
    return rnd.choice((f"07700 900{tail}", f"+44 7700 900{tail}", f"07700900{tail}",
                       f"020 7946 0{tail}", f"(0161) 496 0{tail}"))


def _email(rnd: random.Random, first: str, last: str) -> str:
    local = rnd.choice((f"{first}.{last}", f"{first}{last}{rnd.randint(1, 99)}",
                        f"{first[0]}{last}", f"{first}_{rnd.randint(70, 99)}")).lower()
    return f"{local}@{rnd.choice(_DOMAINS)}"


def add_pii(rnd: random.Random, text: str, ctx: dict) -> tuple[str, list[tuple[str, str]]]:
    """Append a sentence with personal data; returns the text and [(kind, value), ...]."""
    kind = rnd.choices(("email", "phone", "card", "address", "email+phone"),
                       weights=(0.35, 0.3, 0.12, 0.1, 0.13))[0]
    found: list[tuple[str, str]] = []
    if kind in ("email", "email+phone"):
        email = _email(rnd, ctx["first"], ctx["last"])
        found.append(("email", email))
    if kind in ("phone", "email+phone"):
        found.append(("phone", _phone(rnd)))
    if kind == "email":
        extra = rnd.choice((f"You can email me at {email}", f"My email is {email}",
                            f"email me: {email}", f"Please contact me on {email}"))
    elif kind == "phone":
        phone = found[0][1]
        extra = rnd.choice((f"Call me on {phone}", f"My number is {phone}",
                            f"please ring me back on {phone}", f"Text me on {phone}"))
    elif kind == "email+phone":
        extra = f"Contact me on {found[1][1]} or {found[0][1]}"
    elif kind == "card":
        card = _card(rnd)
        found.append(("card", card))
        extra = rnd.choice((f"It was charged to my card {card}", f"card number {card}",
                            f"Please refund to card {card}", f"my card is {card} if that helps"))
    else:
        town, postcode = rnd.choice(_TOWNS)
        address = f"{rnd.randint(1, 180)} {rnd.choice(_STREETS)}, {town} {postcode}"
        found.append(("address", address))
        extra = rnd.choice((f"My address is {address}", f"Deliver to {address} please",
                            f"I live at {address}"))
    sep = "" if not text else (" " if text.endswith((".", "!", "?")) else ". ")
    return text + sep + extra + ("." if rnd.random() < 0.6 else ""), found


def add_html(rnd: random.Random, text: str) -> str:
    """Markup pasted from a web form or an email client."""
    style = rnd.random()
    if style < 0.35:
        return f"<p>{text}</p>"
    if style < 0.65:
        return text.replace(". ", ".<br>", 1) if ". " in text else text + "<br>"
    if style < 0.85:
        return text.replace(" and ", " &amp; ", 1) if " and " in text else f"<b>{text}</b>"
    return f'<div class="msg">{text}</div>'


def add_formula(rnd: random.Random, text: str) -> str:
    """A comment that a spreadsheet would run as a formula if exported naively."""
    return rnd.choice((
        f'=HYPERLINK("http://loomwear-refund.example/claim","Click here") {text}',
        f"=1+1 {text}",
        f"+{text}",
        f"-{text}",
        f'=IMPORTXML("http://example.com","//a") {text}',
    ))
