"""A small generative grammar that writes customer comments.

Templates (in :mod:`cxlab.datasets._phrases`) use two devices:

* ``[a|b|]`` picks one alternative (nested brackets allowed; an empty one drops the part);
* ``{slot}`` fills a value fixed for the whole comment (product, size, days late, courier...),
  so "the dress" stays "the dress" across clauses.

A comment is 1-3 theme clauses (each with its own polarity) joined by connectors that fit the
polarity change ("but" between praise and complaint), wrapped in channel-specific style
(tweets with handles and hashtags, formal tickets with an order number), then roughened with
emoji, lower-casing, dropped apostrophes and letter-level typos at low rates.

Randomness comes from a :class:`random.Random` seeded from the caller's numpy generator:
per-token choices are far faster there than through numpy, and the stream is just as fixed.
"""
from __future__ import annotations

import random
import re

from cxlab.datasets import _constants as K
from cxlab.datasets._phrases import CLAUSES, FOREIGN, GLUE, PRODUCTS, SHORT

_ALT = re.compile(r"\[([^\[\]]*)\]")
_SPACES = re.compile(r"[ \t]+")
_SPACE_NEWLINE = re.compile(r" *\n *")
_SPACE_PUNCT = re.compile(r"[ \t]+([,.!?;:])")
_SENT_START = re.compile(r"(^|[.!?]\s+)([a-z])")

_SIZES = ("6", "8", "10", "12", "14", "16", "18", "XS", "S", "M", "L", "XL")
_COLOURS = ("black", "navy", "green", "sage", "red", "cream", "white", "pink", "blue", "grey",
            "khaki", "lilac", "rust", "mustard", "burgundy", "camel", "leopard print", "floral")
_PAYMENTS = ("PayPal", "Apple Pay", "Klarna", "my card", "my debit card", "Google Pay", "a gift card")
_STAFF = ("Sam", "Priya", "Jordan", "Megan", "Tom", "Aisha", "Chris", "Hannah", "Dan", "Zoe")
_FIRST = ("Sarah", "Emma", "Laura", "Jess", "Mark", "Rachel", "Claire", "Olivia", "Amy", "James",
          "Sophie", "Nadia", "Kate", "Lucy", "Becky", "Tariq", "Helen", "Gemma", "Ryan", "Chloe")
_LAST = ("Smith", "Jones", "Taylor", "Brown", "Wilson", "Evans", "Patel", "Khan", "Walker",
         "Wright", "Hughes", "Green", "Hall", "Wood", "Clarke", "Lewis")
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_SIZE_ORDER = {s: i for i, s in enumerate(("XS", "S", "M", "L", "XL"))}


class FastRandom(random.Random):
    """``random.Random`` with a quicker ``choice``: the grammar makes ~300,000 of them per demo."""

    def choice(self, seq):
        return seq[int(self.random() * len(seq))]


def _article(size: str) -> str:
    # sizes are read aloud: "an XS", "an 8", "a 12"
    return ("an " if size in {"8", "18", "XS", "S", "M", "L", "XL", "XXS", "XXL"} else "a ") + size


def expand(template: str, rnd: random.Random) -> str:
    """Resolve every ``[a|b]`` group, innermost first."""
    while "[" in template:
        template = _ALT.sub(lambda m: rnd.choice(m.group(1).split("|")), template)
    return template


def make_context(rnd: random.Random, *, category: str | None, created_at, brand: str,
                 order_id: str | None, channel: str) -> dict:
    """Slot values fixed for one comment."""
    cat = category if category in PRODUCTS else rnd.choice(sorted(PRODUCTS))
    name, plural = rnd.choice(PRODUCTS[cat])
    size = rnd.choice(_SIZES)
    if size in _SIZE_ORDER:
        i = _SIZE_ORDER[size]
        other = ("XS", "S", "M", "L", "XL")[max(0, min(4, i + rnd.choice((-2, -1, 1, 2))))]
        other = other if other != size else ("XXS" if i == 0 else "XXL")
    else:
        other = str(int(size) + rnd.choice((-4, -2, 2, 4)))
    switched = created_at >= K.COURIER_SWITCH
    days = rnd.randint(6, 16) if switched else rnd.randint(5, 10)
    first, last = rnd.choice(_FIRST), rnd.choice(_LAST)
    return {
        "prod": name,
        "a_prod": (f"a pair of {name}" if rnd.random() < 0.4 else f"some {name}") if plural
        else ("an " if name[0] in "aeiou" else "a ") + name,
        "it": "they" if plural else "it",
        "its": "their" if plural else "its",
        "it_is": "they're" if plural else "it's",
        "is": "are" if plural else "is",
        "was": "were" if plural else "was",
        "fits": "fit" if plural else "fits",
        "runs": "run" if plural else "runs",
        "comes": "come" if plural else "comes",
        "looks": "look" if plural else "looks",
        "feels": "feel" if plural else "feels",
        "doesnt": "don't" if plural else "doesn't",
        "has": "have" if plural else "has",
        "them": "them" if plural else "it",
        "colour": rnd.choice(_COLOURS),
        "size": size,
        "size_alt": other,
        "a_size": _article(size),
        "a_size_alt": _article(other),
        "days": days,
        "weeks": rnd.choice(("two", "three", "2", "3")) if switched else rnd.choice(("two", "2")),
        "courier": K.NEW_COURIER if switched and brand == K.BRAND else (
            K.OLD_COURIER if brand == K.BRAND else rnd.choice(("DPD", "Evri", "Royal Mail"))),
        "price": f"£{rnd.choice((19, 25, 29, 35, 39, 45, 49, 59, 65, 79, 89, 120, 149))}",
        "refund": f"£{rnd.randint(18, 160)}.{rnd.choice(('00', '99', '50', '49'))}",
        "order": order_id or f"LW{rnd.randint(100000, 999999)}",
        "payment": rnd.choice(_PAYMENTS),
        "platform": "app" if channel == "app_review" or rnd.random() < 0.45 else "website",
        "brand": brand,
        "handle": "@" + brand,
        "staff": rnd.choice(_STAFF),
        "weekday": rnd.choice(_DAYS),
        "n": rnd.randint(2, 6),
        "first": first,
        "last": last,
    }


def _clause(rnd: random.Random, theme: str, polarity: str, ctx: dict) -> tuple[str, float]:
    template = rnd.choice(CLAUSES[theme][polarity])
    strong = template.startswith("!")
    # "~" marks sarcasm ("great, another week waiting"): it must open its own sentence
    text = ("~" if template.startswith("~") else "") + expand(template.lstrip("!~"), rnd).format_map(ctx)
    value = 0.55 + (0.35 if strong else 0.0) + rnd.uniform(-0.1, 0.1)
    return text, value if polarity == "pos" else -value


def _join(rnd: random.Random, parts: list[tuple[str, str]]) -> str:
    out = parts[0][1].lstrip("~")
    for (prev_pol, _), (pol, text) in zip(parts, parts[1:]):
        if text.startswith("~"):
            glue, text = rnd.choice((". ", ". Oh and ", "... ", ". Also, ", ". And ")), text[1:]
        elif pol != prev_pol:
            key = "contrast_to_neg" if pol == "neg" else "contrast_to_pos"
            glue = rnd.choice(GLUE["contrast"] + GLUE[key])
        else:
            glue = rnd.choice(GLUE["additive"])
        if out.endswith(("?", "!")) and glue.startswith((".", ",", ";")):
            glue = " " + glue.lstrip(".,; ")  # "where is it?. Also" -> "where is it? Also"
        out = out + glue + text
    return out


def _finish(rnd: random.Random, text: str, sentiment: float) -> str:
    text = text.rstrip(" ,;")
    if text.endswith(("?", "!")):
        return text + ("?" if text.endswith("?") and rnd.random() < 0.3 else "")
    strong = abs(sentiment) > 0.7
    end = rnd.choice(("!", "!!", "!!!", ".", "!")) if strong else rnd.choice((".", ".", ".", "", "...", "!"))
    return text + end


def _tidy(text: str) -> str:
    text = _SPACE_NEWLINE.sub("\n", _SPACES.sub(" ", text)).strip()
    text = _SPACE_PUNCT.sub(r"\1", text)
    text = text.replace(",.", ".").replace("..", ".") if "..." not in text else text
    return _SENT_START.sub(lambda m: m.group(1) + m.group(2).upper(), text)


def compose(rnd: random.Random, clauses: list[tuple[str, str]], ctx: dict, *,
            channel: str) -> tuple[str, float, str]:
    """Write one English comment raising ``clauses`` [(theme, "pos"|"neg"), ...].

    Returns the text, its latent sentiment in [-1, 1] and the noise added (e.g. "emoji typo").
    """
    if len(clauses) > 1 and len({p for _, p in clauses}) > 1 and rnd.random() < 0.65:
        clauses = sorted(clauses, key=lambda c: c[1] != "pos")  # "love X but Y" reads naturally
    parts, values = [], []
    for theme, polarity in clauses:
        text, value = _clause(rnd, theme, polarity, ctx)
        parts.append((polarity, text))
        values.append(value)
    sentiment = sum(values) / len(values)
    body = _join(rnd, parts)
    mood = "pos" if sentiment > 0.25 else "neg" if sentiment < -0.25 else "mixed"

    if channel == "support_ticket":
        text = _ticket(rnd, body, ctx, mood)
    elif channel == "social":
        text = _social(rnd, body, ctx, mood)
    else:
        opener = expand(rnd.choice(GLUE["opener_" + mood]), rnd) if rnd.random() < 0.35 else ""
        closer = expand(rnd.choice(GLUE["closer_" + mood]), rnd) if rnd.random() < 0.3 else ""
        closer = closer + rnd.choice((".", "!", "", ".")) if closer else ""
        if rnd.random() < 0.12:  # a sentence of context before the point ("Bought a dress for...")
            opener = expand(rnd.choice(GLUE["context"]), rnd) + " " + opener
        if channel == "app_review" and rnd.random() < 0.25:
            opener = expand(rnd.choice(GLUE["app_opener"]), rnd) + " " + opener
        if channel == "app_review" and mood != "mixed" and rnd.random() < 0.15:
            closer = (closer + " " + rnd.choice(GLUE["app_verdict_" + mood])).strip()
        body = _finish(rnd, body, sentiment)
        if closer and body[-1].isalnum():
            body += rnd.choice((".", ",", " -", "!"))
        text = " ".join(t for t in (opener, body, closer) if t)
        text = text.format_map(ctx)
    text = _tidy(text)
    text, noise = _roughen(rnd, text, mood, channel)
    return text, max(-1.0, min(1.0, sentiment)), noise


def _ticket(rnd: random.Random, body: str, ctx: dict, mood: str) -> str:
    greet = expand(rnd.choice(GLUE["ticket_greeting"]), rnd)
    intro = expand(rnd.choice(GLUE["ticket_intro"]), rnd) if rnd.random() < 0.75 else ""
    ask = expand(rnd.choice(GLUE["ticket_ask_" + ("pos" if mood == "pos" else "neg")]), rnd)
    sign = expand(rnd.choice(GLUE["ticket_sign"]), rnd) if rnd.random() < 0.6 else ""
    body = _finish(rnd, body[0].upper() + body[1:], 0.0).rstrip(".") + "."
    if body.endswith(("?.", "!.")):
        body = body[:-1]
    if rnd.random() < 0.45:  # written like an email: paragraphs and a signature block
        sign = sign.replace(", ", ",\n", 1)
        parts = [greet, " ".join(t for t in (intro, body) if t), ask, sign]
        return "\n\n".join(t for t in parts if t).format_map(ctx)
    return " ".join(t for t in (greet, intro, body, ask, sign) if t).format_map(ctx)


def _social(rnd: random.Random, body: str, ctx: dict, mood: str) -> str:
    handle = ctx["handle"]
    r = rnd.random()
    if r < 0.45:
        text = f"{handle} {body}"
    elif r < 0.7:
        text = f"{body} {handle}"
    else:
        text = f"{body} @ {ctx['brand']}" if rnd.random() < 0.2 else body
    if rnd.random() < 0.15:
        text = rnd.choice(GLUE["social_prefix"]) + " " + text
    text = _finish(rnd, text, -0.8 if mood == "neg" else 0.8 if mood == "pos" else 0.0)
    if rnd.random() < 0.1:
        text = text + " " + rnd.choice(GLUE["social_suffix_" + mood])
    if rnd.random() < 0.45:
        tags = rnd.sample(GLUE["hashtags_" + mood], k=rnd.choice((1, 1, 2)))
        text = text + " " + " ".join(tags).replace("{brand}", ctx["brand"])
    return text


_EMOJI = {"pos": ("👍", "❤️", "😍", "🙌", "😊", "✨", "💕", "🔥"),
          "neg": ("😡", "🙄", "😤", "👎", "😞", "🤬", "😩", "💔"),
          "mixed": ("🤷", "😐", "🙄", "😕", "👍")}


def _roughen(rnd: random.Random, text: str, mood: str, channel: str) -> tuple[str, str]:
    """Emoji, lower-casing, dropped apostrophes and typos; returns the text and what was done."""
    if not text:
        return text, ""
    done = []
    social = channel in ("social", "app_review")
    if rnd.random() < (0.3 if social else 0.08):
        e = rnd.choice(_EMOJI[mood])
        text = text + " " + e * rnd.choice((1, 1, 1, 2, 3)) if rnd.random() < 0.85 else e + " " + text
        done.append("emoji")
    if rnd.random() < (0.25 if social else 0.07):
        text = text.lower()
        done.append("lowercase")
    if rnd.random() < 0.12 and "'" in text:
        text = text.replace("'", "")
        done.append("no_apostrophes")
    if rnd.random() < (0.22 if channel != "support_ticket" else 0.08):
        typed = typo(rnd, text, n=rnd.choice((1, 1, 2)))
        if typed != text:
            text = typed
            done.append("typo")
    return text, " ".join(done)


def typo(rnd: random.Random, text: str, *, n: int = 1) -> str:
    """Swap, drop or double a letter in ``n`` random longer words."""
    words = text.split(" ")
    idx = [i for i, w in enumerate(words) if len(w) > 3 and w.isalpha()]
    for i in rnd.sample(idx, k=min(n, len(idx))):
        w = words[i]
        j = rnd.randrange(1, len(w) - 1)
        op = rnd.random()
        if op < 0.4:
            w = w[:j] + w[j + 1] + w[j] + w[j + 2:]
        elif op < 0.75:
            w = w[:j] + w[j + 1:]
        else:
            w = w[:j] + w[j] + w[j:]
        words[i] = w
    return " ".join(words)


def short_comment(rnd: random.Random, mood: str) -> str:
    """A one-word or near-empty comment ("ok", "great!!")."""
    return rnd.choice(SHORT[mood])


def foreign_comment(rnd: random.Random, theme: str, polarity: str, ctx: dict) -> tuple[str, str]:
    """A comment in French, Spanish or German; returns ``(text, language)``."""
    lang = rnd.choice(sorted(FOREIGN))
    bank = FOREIGN[lang]
    key = (theme, polarity) if (theme, polarity) in bank else ("generic", polarity)
    return _tidy(expand(rnd.choice(bank[key]), rnd).format_map(ctx)), lang
