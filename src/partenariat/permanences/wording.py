"""French wording of permanence rules, both ways, and an English rendering.

:func:`describe` writes a rule as a CCAS agent would (``"les 1er et 3e mardis du mois, de 9 h à
12 h, jusqu'au 31 décembre 2019"``, ``"un jeudi sur deux"``, ``"le dernier vendredi du mois"``);
``lang="en"`` gives English. :func:`parse` reads such phrases back as partner websites write them
(``"du lundi au vendredi de 9h à 12h et de 14h à 17h"``, ``"de 9 heures à midi"``, ``"le mardi
(semaines impaires), hors jours fériés"``, ``"tous les 15 jours"``, ``"jusqu'à la fin de
l'année"``).

Reading is exact or refused: every word must be placed, and a phrase that could mean two things
(``"bimensuelle"``: twice a month or every other month?), that gives hours to some days only, or
that says something the model cannot hold (``"sauf pendant les vacances scolaires"``) raises
:class:`PhraseError` naming the words, never a partial rule.
"""

from __future__ import annotations

from partenariat.permanences.phrase import (
    Hours,
    Phrase,
    PhraseError,
    describe,
)
from partenariat.permanences.phrase_reader import (
    parse,
)

__all__ = ["Hours", "Phrase", "PhraseError", "describe", "parse"]
