"""CX extensions to the VADER lexicon: service-event words and complaint patterns.

General VADER was built for social media opinions, where a complaint usually contains an opinion
word. Customer feedback often states the failure as a fact ("parcel hasn't arrived", "on hold for
2 hours", "charged twice") with no opinion word at all. Everything here is generic CX language
(delivery, refunds, waiting, faults, staff, apps) meant to hold for retail, travel, telecoms and
banking alike; nothing is tuned to one company or sector.

Valences use VADER's scale (about -4..+4). Patterns are replaced by a marker token whose valence
is registered in the lexicon, so VADER's own rules (negation "not", boosters "very", ALL CAPS,
"but") still apply around them.
"""
from __future__ import annotations

import re

__all__ = ["CX_LEXICON", "CX_PATTERNS", "CX_REWRITES", "marker_token", "MARKER_VALENCES"]

#: (regex, replacement) applied before the patterns: phrases VADER should read differently.
#: "no longer"/"not anymore" negate like "not"; sign-offs ("Kind regards", "Best, Kate") are
#: letter formulae, not praise.
CX_REWRITES: list[tuple[str, str]] = [
    (r"\bno\s+longer\b|\bnot\s+any\s*more\b", " not "),
    (r"\b(?:kind|best|warm|many)\s+(?:regards|wishes)\b|\bregards\b|^\s*best\s*,\s*(?=[A-Z])", " "),
]

#: word -> valence added to (or overriding) the VADER lexicon
CX_LEXICON: dict[str, float] = {
    # service failures stated as events
    "delayed": -2.0, "delay": -1.8, "delays": -1.8, "late": -1.5, "later": -0.3,
    "cancelled": -2.0, "canceled": -2.0, "cancellation": -1.6, "cancellations": -1.6,
    "cancel": -1.2, "rebooked": -0.8, "rebook": -0.6, "diverted": -1.2, "overbooked": -2.2,
    "stuck": -1.8, "stranded": -2.6, "lost": -1.9, "missing": -1.5, "misplaced": -1.8,
    "mishandled": -2.0, "missed": -1.7, "waiting": -1.0, "waited": -1.2, "queue": -0.8,
    "queued": -1.0, "forever": -1.0, "ages": -0.6, "hold": -0.6,
    "broken": -2.2, "broke": -1.8, "damaged": -2.2, "ripped": -2.0, "torn": -1.8,
    "faulty": -2.2, "defective": -2.3, "crash": -1.8, "crashes": -2.0, "crashed": -2.0,
    "crashing": -2.0, "glitch": -1.8, "glitchy": -2.0, "buggy": -2.0, "error": -1.5,
    "errors": -1.5, "declined": -1.5, "overcharged": -2.5, "charged": -1.0,
    "refund": -0.8, "refunds": -0.8, "complaint": -1.6, "complaints": -1.6,
    "issue": -1.0, "issues": -1.0, "problem": -1.7, "problems": -1.7, "nightmare": -2.6,
    "shambles": -2.6, "fiasco": -2.6, "mess": -1.6, "joke": -1.2, "ridiculous": -2.0,
    "unacceptable": -2.6, "unhelpful": -2.2, "unprofessional": -2.2, "incompetent": -2.5,
    "incompetence": -2.5, "rude": -2.6, "ignored": -2.0, "ignoring": -1.8, "unanswered": -1.8,
    "unresolved": -1.8, "nobody": -1.0, "refused": -1.8, "denied": -1.5, "downgraded": -1.5,
    "cramped": -1.5, "filthy": -2.6, "smelly": -1.8, "shrunk": -2.0, "shrank": -2.0,
    "faded": -1.5, "pilling": -1.8, "pilled": -1.8, "itchy": -1.5, "unflattering": -1.8,
    "frumpy": -1.5, "flimsy": -1.8, "cheaply": -1.2, "scratchy": -1.5, "baggy": -0.6,
    "see-through": -1.2, "unusable": -2.2, "useless": -2.3, "pointless": -1.8,
    "disgrace": -2.8, "disgraceful": -2.8, "appalling": -2.8, "shocking": -2.0,
    "slow": -1.5, "slowly": -1.0, "slower": -1.2, "faster": 1.0, "quicker": 1.0,
    "worse": -2.1, "again": -0.2, "yet": 0.0, "disconnected": -1.8, "crickets": -1.5,
    "tried": -0.6, "instead": -0.3, "twice": -0.8, "outage": -2.0, "offline": -0.8,
    "lied": -2.2, "lying": -2.0, "excuse": -1.2, "excuses": -1.5, "apology": -0.3,
    "sorry": -0.5, "compensation": -0.8, "compensate": -0.6, "voucher": -0.2,
    "inconvenience": -1.5, "inconvenienced": -1.8, "frustrated": -2.2, "frustrating": -2.2,
    # service success
    "prompt": 1.6, "promptly": 1.6, "quick": 1.2, "quickly": 1.0, "fast": 1.2, "speedy": 1.5,
    "resolved": 1.4, "sorted": 1.0, "smooth": 1.5, "smoothly": 1.5, "seamless": 2.0,
    "effortless": 1.8, "courteous": 2.0, "professional": 1.5, "knowledgeable": 1.5,
    "attentive": 1.8, "flattering": 2.0, "comfy": 2.0, "upgraded": 1.5, "refunded": 0.3,
    # opinion words that are mostly not opinions in CX requests and service chatter
    "please": 0.0, "help": 0.2, "ok": 0.3, "okay": 0.3, "like": 1.0, "yes": 0.8,
    "hope": 0.8, "hoping": 0.5, "care": 0.6, "pretty": 0.5, "well": 0.0,
    # transactional words: requests, accounts and offers, not satisfaction
    "thanks": 1.0, "thank": 0.8, "thx": 0.8, "number": 0.0, "want": 0.0, "credit": 0.3,
    "chance": 0.3, "free": 0.8, "sure": 0.5, "share": 0.3, "friend": 0.8, "party": 0.5,
    "ready": 0.5, "true": 0.5, "award": 0.8, "loyal": 1.0, "win": 1.0, "winner": 1.0,
    "winners": 1.0, "reward": 0.8, "rewards": 0.8, "points": 0.0, "save": 0.5, "saved": 0.5,
}

#: marker tokens and their valences (registered in the lexicon by the scorer)
MARKER_VALENCES: dict[str, float] = {
    **{f"cxneg{k}": -float(k) / 2 for k in range(1, 9)},
    **{f"cxpos{k}": float(k) / 2 for k in range(1, 9)},
}


def marker_token(valence: float) -> str:
    """Marker token closest to ``valence`` (steps of 0.5, -4..+4)."""
    k = int(round(min(abs(valence), 4.0) * 2))
    return f"{'cxneg' if valence < 0 else 'cxpos'}{max(k, 1)}"


_NUM = r"(?:\d+(?:\.\d+)?|an?|one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|twenty|thirty|several|many|few|couple(?:\s+of)?)"
_DUR = rf"(?:over\s+|more\s+than\s+|almost\s+|nearly\s+|about\s+)?{_NUM}\+?\s*(?:hours?|hrs?|h|mins?|minutes?|days?|weeks?|wks?|months?)\b"
_ITEM = r"(?:order|parcel|package|delivery|refund|item|items|bag|bags|luggage|baggage|money|replacement|card|booking|ticket|tickets|reservation|account|money back)"
_NEG_AUX = r"(?:has|have|had|did|does|do|is|was|were|are)(?:n't|\s+not)|haven't|hasn't|didn't|never|still\s+not|not\s+yet"

#: (regex, valence, triggers) applied to normalised text in this order; each match becomes a
#: marker token. ``triggers`` ("a|b") are lower-case substrings one of which must occur for the
#: regex to be tried at all (a cheap gate: most comments match no pattern).
CX_PATTERNS: list[tuple[str, float, str]] = [
    # sarcasm: praise words used for failures
    (r"\bthanks?\s+(?:you\s+)?for\s+nothing\b", -3.0, "thank"),
    (r"\bthanks?\s+(?:you\s+)?for\s+(?:the\s+)?(?:lack|delay|wait|runaround|nothing|ruining)\b", -2.5, "thank"),
    (r"\b(?:great|awesome|perfect|wonderful|fantastic|brilliant|lovely|nice|love\s+it)[,.!]*\s+(?:yet\s+)?(?:another|now|more)\s+(?:\w+\s+){0,2}?(?:delay|delayed|cancel\w*|wait\w*|hour|hours|problem|issue|error|fee)s?\b", -2.5, "another|now|more"),
    (r"\b(?:love|loving|great|nice|awesome|fantastic|thanks|thank\s+you)\s+(?:how|when|that)\b(?=[^.!?]{0,80}\b(?:delay|cancel|wait|lost|hold|late|stuck|never|no\s+one|nobody|charged|broke|rude)\w*)", -2.5, "how|when|that"),
    (r"\bwhat\s+a\s+(?:joke|shambles|mess|nightmare|disaster|farce|con|scam|waste)\b", -3.0, "what a"),
    # waiting times
    (rf"\b(?:wait(?:ed|ing)?|on\s+hold|held|sat|sitting|stuck|queu(?:e|ed|ing)|delayed|late|been\s+trying|trying)\b[^.!?]{{0,40}}?\b(?:for\s+)?{_DUR}", -2.5, "wait|hold|held|sat|sitting|stuck|queu|delayed|late|trying"),
    (rf"\b{_DUR}\s+(?:late|delay(?:ed)?|wait(?:ing)?|on\s+hold|in\s+(?:the\s+)?queue|and\s+counting|later|overdue)", -2.5, "late|delay|wait|hold|queue|counting|later|overdue"),
    (r"\b(?:took|taking|takes|take)\s+(?:forever|ages|so\s+long|too\s+long|weeks|months)\b", -2.2, "took|taking|takes|take"),
    (r"\b(?:kept|put|left)\s+(?:me\s+|us\s+)?on\s+hold\b|\bon\s+hold\b", -1.8, "hold"),
    (r"\b(?:be|do|deserve|deserves|need|needs|expect|expected)\s+(?:a\s+lot\s+|much\s+|way\s+|far\s+|a\s+)?better\b|\bif\s+only\b", -1.4, "better|if only"),
    (r"\b(?:and|but|still|yet)\s+nothing\b|\bnothing\s+(?:yet|so\s+far|since|arrived|came)\b", -2.0, "nothing"),
    (r"\bhang(?:ing)?\s+up\s+on\b|\bhung\s+up\b|\bgave\s+up\b|\b(?:call|line|chat)\s+(?:was\s+)?(?:dropped|cut\s+off)\b", -2.5, "hung|gave|dropped|cut off"),
    (r"\b(?:was|were|is|are)\s+supposed\s+to\b", -1.5, "supposed"),
    (r"\b(?:\d+|two|three|four|five|six|several|multiple|many|numerous|countless)\s*(?:x|times)\b|\bagain\s+and\s+again\b", -1.4, "x|times|again and"),
    (r"\b(?:site|website|app|system|systems|server|servers|page|portal|lines?)\s+(?:is\s+|was\s+|are\s+|were\s+|went\s+|keeps\s+going\s+)?(?:down|broken|crashing|not\s+working)\b", -2.0, "down|broken|crashing|not working"),
    (r"\?\s*!|!\s*\?|\b(?:really|seriously|are\s+you\s+kidding(?:\s+me)?)\s*\?+", -1.5, "?!|!?|really|seriously|kidding"),
    (r"\bstill\s+(?:waiting|no\b|not\b|nothing|haven't|hasn't|don't|doesn't|can't|isn't|hasnt|havent|broken|missing|stuck|on\s+hold)", -2.0, "still"),
    # things that did not happen
    (rf"\b(?:{_NEG_AUX})\s+(?:yet\s+)?(?:arrive[sd]?|come|came|turn(?:ed)?\s+up|show(?:n|ed)?\s+up|receive[d]?|got|gotten|get|been\s+(?:delivered|refunded|processed|resolved|fixed|sorted|answered|contacted|credited|shipped|dispatched)|hear[d]?\s+back|hear\s+anything|respond(?:ed)?|replied|reply|call(?:ed)?\s+back|work(?:ed|ing)?|load(?:ed|ing)?|refunded|delivered|shipped|dispatched)\b", -2.5, "n't|not|never"),
    (r"\b(?:doesn't|don't|didn't|won't|can't|cannot|couldn't|wouldn't|unable\s+to|not\s+able\s+to)\s+(?:even\s+)?(?:work|load|log\s*in|sign\s*in|connect|open|check\s*out|check\s*in|pay|track|find|get\s+through|reach|contact|speak\s+to|talk\s+to|fit|zip|close|process|apply|print|book|change|select|access|use|download|submit|complete|redeem|retrieve|cancel|even|believe)\b", -2.0, "n't|cannot|unable|not able"),
    (r"\bno\s+(?:response|reply|replies|answer|update|updates|refund|one|help|info|information|call\s*back|email|communication|apology|compensation|explanation|resolution|confirmation|tracking|notification|sign\s+of|show)\b", -2.0, "no "),
    (r"\bnot\s+(?:yet\s+)?(?:arrived|received|delivered|refunded|resolved|fixed|working|answered|responded)\b", -2.0, "not "),
    # money taken wrongly
    (r"\b(?:charged|billed|debited|taken)\s+(?:me\s+|us\s+)?(?:twice|double|two\s+times|again|extra|more|too\s+much)\b|\bdouble[\s-](?:charged|billed)\b", -2.6, "charged|billed|debited|taken|double"),
    (r"\b(?:want|need|demand|asking\s+for|give\s+me)\s+(?:my|a|a\s+full)\s+(?:money\s+back|refund)\b", -2.0, "money back|refund"),
    (r"\bwhere\s+(?:is|are)\s+(?:my|our|the)\s+" + _ITEM + r"\b", -2.0, "where"),
    # wrong / damaged goods and bad fit
    (r"\bwrong\s+(?:size|item|colou?r|order|address|product|parcel|one|bag|seat|flight)\b", -2.2, "wrong"),
    (r"\btoo\s+(?:small|big|large|tight|short|long|loose|wide|narrow|thin|sheer)\b", -1.5, "too "),
    (r"\bruns?\s+(?:small|large|big|short|narrow|tight)\b", -0.8, "run"),
    # churn intent
    (r"\bnever\s+(?:again|(?:to\s+)?(?:utili[sz]e|fly|flying|order|ordering|buy|buying|use|using|shop|shopping|book|booking)\s+(?:with|from|here|again|this|you|at))", -3.0, "never"),
    (r"\b(?:won't|will\s+not|wont|never\s+going\s+to)\s+be\s+(?:ordering|flying|buying|back|using|shopping|booking|returning|recommending)\b", -2.6, "be "),
    (r"\b(?:switching|switch|moving|move|going)\s+to\s+(?:a\s+|another|a\s+different|your\s+competitor)", -1.5, "to "),
    # complaint questions directed at the company
    (r"\bwhy\s+(?:is|are|does|do|did|was|were|has|have|can't|won't|isn't|hasn't|haven't|would|should|on\s+earth|the\s+hell)\b[^.!?]{0,120}\?", -1.5, "why"),
    (r"\bhow\s+(?:long|much\s+longer|many\s+more|hard\s+is\s+it|is\s+it\s+(?:possible|acceptable|ok))\b", -1.5, "how"),
    (r"\b(?:what's|what\s+is|whats)\s+(?:going\s+on|happening|the\s+(?:hold\s*up|delay|problem|deal))\b", -1.6, "what"),
    (r"\bis\s+(?:any|some)(?:one|body)\s+(?:there|going|able|listening|working)\b", -1.8, "one|body"),
    (r"\bany\s+(?:update|news|word|idea\s+when)\b", -0.8, "any "),
    # praise stated as the absence of a problem
    (r"\b(?:no|zero|never\s+(?:had|have)\s+any|without\s+any|not\s+a\s+single)\s+(?:\w+\s+)?(?:issues?|problems?|complaints?|faults?|hassle|fuss|trouble|regrets?|quibbles?)\b", 2.0, "no|zero|never|without|single"),
    (r"\b(?:can't|cannot|couldn't|could\s+not|can\s+not)\s+fault\b", 2.2, "fault"),
    # wear and fit failures
    (r"\b(?:wore|worn)\s+through\b|\b(?:fell|falling|came|coming)\s+(?:apart|undone|off)\b", -2.0, "through|apart|undone|off"),
    (r"\bnot\s+(?:even\s+)?close\s+to\b", -1.5, "close to"),
    # praise stated as facts
    (r"\b(?:on|ahead\s+of)\s+time\b|\bon\s+schedule\b|\barrived\s+(?:early|quickly|promptly|next\s+day|the\s+next\s+day)\b", 1.6, "time|schedule|arrived"),
    (r"\btrue\s+to\s+size\b|\bfits?\s+(?:perfectly|like\s+a\s+glove|great|well|beautifully)\b|\bwell\s+made\b", 2.0, "size|fit|well made"),
    (r"\b(?:will|would|definitely|def|100%)\s+(?:buy|order|fly|shop|book|use)\s+(?:again|here\s+again|with\s+you\s+again)\b|\bwill\s+be\s+back\b", 2.2, "again|be back"),
    (r"\b(?:5|five)\s+stars?\b|\b10/10\b", 2.6, "star|10/10"),
    (r"\b(?:1|one|zero|0|no)\s+stars?\b", -2.6, "star"),
]


def compile_patterns(patterns=None) -> list[tuple[re.Pattern, str, tuple[str, ...]]]:
    """Compiled ``(regex, marker token, triggers)`` triples."""
    return [(re.compile(p, re.I), marker_token(v), tuple(t.split("|")))
            for p, v, t in (patterns or CX_PATTERNS)]
