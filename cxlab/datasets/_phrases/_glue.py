"""Connectors, openers, closers, channel framing, one-word comments and product nouns."""

GLUE = {
    "additive": (
        " and ", ", and ", ". Also ", ". ", ". Plus ", ". On top of that ", ". And ", "; ",
        ". Not to mention ", ", also ", ". Oh and ", " - and ", ". Also, ", ". To top it off ",
        "... and ", ". Another thing: ", ", plus ", ". Oh, and ",
    ),
    "contrast": (
        ", but ", " but ", ". But ", ". However, ", ", although ", "... but ", " - but ",
        "; however ", ". That said, ", " BUT ", ". Then again ",
    ),
    "contrast_to_neg": (
        ". Shame ", ". Sadly ", ". Unfortunately ", ", unfortunately ", ". The only downside: ",
        ". Only issue is ", ", however ", ". Pity ", ". Only complaint: ",
    ),
    "contrast_to_pos": (
        ". On the plus side ", ". At least ", ". Luckily ", ". To be fair ", ", but at least ",
        ". Saying that, ", ". On the bright side ", ". Good news is ",
    ),
    "opener_neg": (
        "Honestly", "Tbh", "To be honest,", "Sorry but", "Well", "Right,", "Ugh.", "Oh dear.",
        "Not impressed.", "Very disappointed.", "Where do I start.", "First time ordering and",
        "Regular customer [here|for years] and", "Really not happy.", "Not again.", "So",
        "[Long-time|Loyal] customer but", "Hmm.", "Seriously?", "I'm [sorry|afraid] to say",
    ),
    "opener_pos": (
        "Honestly", "Wow!", "So happy!", "Love {brand}!", "Just wanted to say", "Really pleased.",
        "Second order and", "Yay,", "Ok so", "Can I just say", "Omg", "Have to say",
        "First order and", "Another great order.", "Impressed!",
    ),
    "opener_mixed": (
        "Mixed feelings.", "Hmm.", "So,", "Well", "Overall", "Bit of a mixed bag.", "Ok so",
        "Where to start.", "Good and bad.", "Honestly", "Swings and roundabouts.",
    ),
    "closer_neg": (
        "Won't be ordering again", "Very disappointed", "Not impressed", "Sort it out {brand}",
        "Would not recommend", "Never again", "Really frustrating", "Fuming", "Shocking",
        "Do better", "Not good enough", "Considering going elsewhere", "Last time I order from you",
        "Shopping elsewhere from now on", "Absolutely gutted", "So annoying", "Rant over",
        "Please fix this", "Expected better from {brand}", "Unacceptable",
    ),
    "closer_pos": (
        "Will definitely order again", "Thanks {brand}", "10/10", "Keep it up",
        "Highly recommend", "Happy customer", "Couldn't be happier", "Would recommend",
        "Love it", "Five stars from me", "Thank you", "Well done", "Already planning my next order",
    ),
    "closer_mixed": (
        "Overall ok", "Mixed feelings really", "Might give you another go", "3 stars",
        "Could be better", "Not bad overall", "Hope you sort it", "Otherwise fine",
        "Will see how the next order goes", "Fingers crossed next time", "Swings and roundabouts",
    ),
    "app_opener": (
        "Update:", "Edit:", "Been using the app for a year.", "Downloaded the app last month.",
        "App user here.", "Using the {platform} on my phone.",
    ),
    "ticket_greeting": (
        "Hi,", "Hello,", "Hi there,", "Dear {brand} team,", "Dear Sir/Madam,", "Hi {brand},",
        "Good morning,", "Hello team,", "To whom it may concern,", "Hi, hope you can help.",
    ),
    "ticket_intro": (
        "I ordered {a_prod} [on {weekday}|last week|recently|{n} weeks ago|] [(order #{order})|, order number {order}|- order ref {order}|, order #{order}].",
        "I am writing about order #{order}.",
        "[Regarding|Re:|About] my order {order}.",
        "I placed an order ({order}) for {a_prod} [last {weekday}|a few weeks ago|on {weekday}].",
        "Order number: {order}.",
        "This is about [my recent order|order] #{order}[ for {a_prod}|].",
    ),
    "ticket_ask_neg": (
        "Please [advise|help|look into this|sort this out|let me know what is happening] [asap|urgently|as soon as possible|].",
        "Can you [please|] [help|look into this|update me]?",
        "I would like a [refund|replacement|response] [please|as soon as possible].",
        "This is the [second|third] time [I have contacted you|I've written about this|I've asked].",
        "This is my [second|third] email [about this|].",
        "I look forward to hearing from you.",
        "Awaiting your reply.",
        "[Please|Kindly] [respond|get back to me] [within 48 hours|today|this week].",
        "If this isn't sorted I will [raise a chargeback|contact my bank|leave a review].",
    ),
    "ticket_ask_pos": (
        "Just wanted to say thank you.", "Thanks for the help.", "Many thanks.",
        "No action needed, just feedback.", "Please pass on my thanks to the team.",
    ),
    "ticket_sign": (
        "[Thanks|Thank you|Regards|Kind regards|Many thanks|Cheers|Best], [{first}|{first} {last}|{first} {last}]",
    ),
    "app_verdict_neg": ("Would give zero stars if I could.", "Uninstalled.", "Deleting the app.",
                        "Fix the app please!", "Used to be good."),
    "app_verdict_pos": ("Best shopping app on my phone.", "Love this app!", "Great app.",
                        "Keep the updates coming!"),
    "social_prefix": ("ngl", "not gonna lie", "tbh", "honestly", "PSA:", "so", "ok so", "lol"),
    "social_suffix_neg": ("smh", "😒", "every time", "#justsaying", "unreal"),
    "social_suffix_pos": ("lol", "obsessed", "😍😍", "no regrets", "just saying"),
    "social_suffix_mixed": ("lol", "hmm", "we'll see", "🤷"),
    "hashtags_neg": ("#fail", "#customerservice", "#neveragain", "#{brand}fail", "#rubbish",
                     "#disappointed", "#stillwaiting", "#complaint", "#refund", "#shocking"),
    "hashtags_pos": ("#ootd", "#newin", "#loveit", "#{brand}", "#happycustomer", "#fashion",
                     "#haul", "#style", "#obsessed"),
    "hashtags_mixed": ("#{brand}", "#meh", "#mixedfeelings", "#shopping", "#onlineshopping"),
    "context": (
        "Bought {a_prod} for a [wedding|holiday|party|work do|christening].",
        "[First|Second|Third] order [with {brand}|this month|this year].",
        "Ordered {a_prod} [for my daughter|for my mum|as a gift|for myself] [last week|recently|].",
        "Been shopping with {brand} for [years|a couple of years|ages].",
        "[Got|Ordered] {a_prod} in {colour}[ and a few other bits|].",
        "Ordered [on the {platform}|via the {platform}] on {weekday}.",
    ),
}

SHORT = {
    "pos": ("great!!", "love it", "perfect", "Amazing", "good", "👍", "❤️", "great service",
            "fab", "10/10", "Brilliant!", "so happy", "Excellent", "great", "Lovely", "all good",
            "Thanks!", "happy", "Very good", "super"),
    "neg": ("rubbish", "awful", "never again", "😡", "terrible", "disappointed", "meh", "poor",
            "Shocking.", "useless", "bad", "no", "not good", "👎"),
    "mixed": ("ok", "fine", "ok I guess", "n/a", "nothing", "no comment", ".", "none",
              "average", "OK", "Fine.", "its ok", "-", "nope", "N/A", "?"),
}

#: nouns per order category: (noun, plural?)
PRODUCTS = {
    "dresses": (("dress", False), ("maxi dress", False), ("midi dress", False), ("wrap dress", False),
                ("slip dress", False), ("shirt dress", False), ("summer dress", False)),
    "tops": (("top", False), ("blouse", False), ("t-shirt", False), ("shirt", False),
             ("cami", False), ("bodysuit", False), ("vest top", False)),
    "knitwear": (("jumper", False), ("cardigan", False), ("knit", False), ("roll neck", False),
                 ("sweater", False)),
    "jeans": (("jeans", True), ("mom jeans", True), ("skinny jeans", True), ("wide leg jeans", True),
              ("trousers", True), ("cargo trousers", True)),
    "outerwear": (("coat", False), ("jacket", False), ("puffer", False), ("trench coat", False),
                  ("blazer", False), ("denim jacket", False)),
    "shoes": (("trainers", True), ("boots", True), ("sandals", True), ("heels", True),
              ("loafers", True), ("ankle boots", True)),
    "accessories": (("bag", False), ("scarf", False), ("belt", False), ("hat", False),
                    ("earrings", True)),
    "activewear": (("leggings", True), ("sports bra", False), ("joggers", True), ("hoodie", False),
                   ("gym shorts", True)),
}
