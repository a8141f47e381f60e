"""What the bilan's formats share: figures and dates written for people, French typography.

Every format (Markdown, HTML, PDF) writes the same words from the same :class:`~partenariat.bilan.Bilan`;
this module says how a figure, a share, a date and a recommendation read, in French or English.
"""

from __future__ import annotations

import re
from datetime import date

from partenariat.bilan import Bilan, Hidden, Recommendation
from partenariat.bilan.report import Figure
from partenariat.followup.evaluation import Measure
from partenariat.i18n import Language, Text

NNBSP = "\u202f"
"""Narrow no-break space: before ``: ; ! ?`` and inside « », in French."""

_MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def french_typography(text: str) -> str:
    """Put narrow no-break spaces before ``: ; ! ?`` and inside « », as French printing does."""
    text = re.sub(r"\s*([;!?])", NNBSP + r"\1", text)
    text = re.sub(r"(?<=\S)\s+:(?=\s|$)", NNBSP + ":", text)
    text = re.sub(r"(?<=\S) :", NNBSP + ":", text)
    text = re.sub(r"«\s*", "«" + NNBSP, text)
    return re.sub(r"\s*»", NNBSP + "»", text)


def day(value: date, lang: Language) -> str:
    """``1er septembre 2019`` in French, ``2019-09-01`` in English."""
    if lang == "en":
        return value.isoformat()
    first = "1er" if value.day == 1 else str(value.day)
    return f"{first} {_MONTHS[value.month - 1]} {value.year}"


def month(value: date, lang: Language) -> str:
    """``septembre 2019`` / ``2019-09``."""
    return f"{_MONTHS[value.month - 1]} {value.year}" if lang == "fr" else f"{value:%Y-%m}"


def number(value: float, lang: Language) -> str:
    """Write a count or a number of days: ``17,5`` in French."""
    text = str(int(value)) if float(value).is_integer() else f"{value:.1f}"
    return text.replace(".", ",") if lang == "fr" else text


def percent(value: float, lang: Language) -> str:
    """Write a share from 0 to 1 as a percentage: ``20,7 %`` in French, ``20.7%`` in English."""
    text = f"{value * 100:.1f}"
    return text.replace(".", ",") + NNBSP + "%" if lang == "fr" else text + "%"


def figure(value: Figure, lang: Language, *, share: bool = False, missing: str = "—") -> str:
    """Write a published figure: hidden ones as ``< 5``, missing ones as a dash."""
    if value is None:
        return missing
    if isinstance(value, Hidden) and share:
        return "masqué" if lang == "fr" else "hidden"  # a share of a hidden count
    if isinstance(value, Hidden):
        return f"<{NNBSP if lang == 'fr' else ' '}{value.threshold}"
    return percent(value, lang) if share else number(value, lang)


def gap(value: Figure, lang: Language, *, share: bool) -> str:
    """Write a gap to the target, signed (``+3,5``, ``−4,3 pts``)."""
    if value is None or isinstance(value, Hidden):
        return figure(value, lang)
    sign = "+" if value > 0 else "−" if value < 0 else ""
    if share:
        points = number(round(abs(value) * 100, 1), lang)
        return f"{sign}{points}{NNBSP if lang == 'fr' else ' '}pts"
    return sign + number(abs(value), lang)


def is_share(measure: Measure) -> bool:
    """Whether the measure is written as a percentage."""
    return measure.is_share


RECOMMENDATIONS: dict[Recommendation, Text] = {
    Recommendation.RENEW: Text(
        "Renouveler : chaque critère du renouvellement est rempli.",
        "Renew: every renewal criterion is met.",
    ),
    Recommendation.DO_NOT_RENEW: Text(
        "Ne pas renouveler en l'état : au moins un critère n'est pas rempli.",
        "Do not renew as it stands: at least one criterion is not met.",
    ),
    Recommendation.TO_EXAMINE: Text(
        "À examiner : les critères ne permettent pas de conclure seuls.",
        "To examine: the criteria alone do not settle it.",
    ),
    Recommendation.NOTHING_YET: Text(
        "Rien à évaluer encore : le journal ne contient aucune orientation, aucun rendez-vous "
        "ni aucune sortie sur la période.",
        "Nothing to evaluate yet: the journal holds no referral, appointment or exit for the "
        "period.",
    ),
}
"""The recommendation, in a sentence."""


def met(value: bool | None, lang: Language) -> str:
    """``rempli`` / ``non rempli`` / ``non mesurable``."""
    words = {
        True: Text("rempli", "met"),
        False: Text("non rempli", "not met"),
        None: Text("non mesurable", "cannot be measured"),
    }
    return words[value].render(lang)


def period_line(bilan: Bilan, lang: Language) -> str:
    """``du 1er septembre 2019 au 31 décembre 2019`` (with ``provisoire`` when not over)."""
    text = (
        f"du {day(bilan.start, lang)} au {day(bilan.end, lang)}"
        if lang == "fr"
        else f"from {day(bilan.start, lang)} to {day(bilan.end, lang)}"
    )
    if bilan.provisional:
        text += (
            " (bilan provisoire : la période n'est pas finie)"
            if lang == "fr"
            else (" (provisional: the period is not over)")
        )
    return text


__all__ = [
    "NNBSP",
    "RECOMMENDATIONS",
    "day",
    "figure",
    "french_typography",
    "gap",
    "is_share",
    "met",
    "month",
    "number",
    "percent",
    "period_line",
]
