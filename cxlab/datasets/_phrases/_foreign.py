"""A few French, Spanish and German comments (real shops get some; cxlab must flag them)."""

FOREIGN = {
    "fr": {
        ("delivery_delay", "neg"): (
            "[toujours pas reçu ma commande|colis toujours pas arrivé] après {days} jours[, c'est inadmissible| !|]",
            "livraison [beaucoup trop lente|très lente|catastrophique], [je suis déçue|pas normal]",
        ),
        ("sizing_fit", "neg"): (
            "la taille ne correspond pas[, beaucoup trop petit| du tout]",
            "[taille|coupe] [trop petite|trop grande], [déçue|dommage]",
        ),
        ("fabric_quality", "neg"): ("[qualité|tissu] [médiocre|très décevant] pour le prix",),
        ("customer_service", "neg"): ("service client [injoignable|inexistant], aucune réponse depuis {n} jours",),
        ("style_design", "pos"): ("[j'adore|super jolie] [cette robe|ce modèle|la couleur][, je recommande| !|]",),
        ("generic", "pos"): ("[très satisfaite|parfait|rien à dire, parfait], merci {brand}",),
        ("generic", "neg"): ("[très déçue|pas contente du tout|je ne commanderai plus]",),
    },
    "es": {
        ("delivery_delay", "neg"): (
            "mi pedido [todavía no ha llegado|sigue sin llegar] después de {days} días",
            "el envío [tarda muchísimo|es lentísimo]",
        ),
        ("sizing_fit", "neg"): ("la talla [es muy pequeña|no corresponde|es enorme]",),
        ("fabric_quality", "neg"): ("la calidad [es malísima|deja mucho que desear]",),
        ("customer_service", "neg"): ("el servicio al cliente no contesta[ nunca|]",),
        ("style_design", "pos"): ("me encanta [el vestido|este diseño|el color][, muy bonito|]",),
        ("generic", "pos"): ("todo perfecto, gracias",),
        ("generic", "neg"): ("muy decepcionada[, no vuelvo a comprar|]",),
    },
    "de": {
        ("delivery_delay", "neg"): ("meine Bestellung ist nach {days} Tagen immer noch nicht da",),
        ("sizing_fit", "neg"): ("fällt [viel|deutlich|] zu klein aus",),
        ("fabric_quality", "neg"): ("die Qualität ist [schlecht|enttäuschend] für den Preis",),
        ("customer_service", "neg"): ("der Kundenservice antwortet [nicht|seit {n} Tagen nicht]",),
        ("style_design", "pos"): ("[wunderschönes Kleid|tolles Design], sehr zufrieden",),
        ("generic", "pos"): ("alles super, danke",),
        ("generic", "neg"): ("sehr enttäuscht[, nie wieder|]",),
    },
}
