"""The bilan of a convention as a workbook: one sheet per table, numbers as numbers.

A hidden count (statistical secrecy) is the text ``< 5``, never its value: the core decided what
is hidden before the bilan reached this plugin. Shares are numbers from 0 to 1.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from partenariat.exporters import ExportContext
from partenariat.i18n import Text
from partenariat_tableur.book import Book, Sheet
from partenariat_tableur.tables import creation_stamp

if TYPE_CHECKING:
    from partenariat.bilan import Bilan


def _cell(value: object) -> object:
    # Hidden is the only non-number a figure can be; its text is what the reader sees
    return value if value is None or isinstance(value, int | float) else str(value)


def _headers(*pairs: tuple[str, str]) -> tuple[Text, ...]:
    return tuple(Text(fr, en) for fr, en in pairs)


def bilan_book(bilan: Bilan, context: ExportContext) -> Book:
    """Return the bilan as a workbook: indicators, criteria and months, each a sheet."""
    lang = context.lang
    months: list[list[Any]] = [
        [
            m.month,
            _cell(m.people_followed),
            _cell(m.referrals),
            _cell(m.appointments_attended),
            _cell(m.no_shows),
            _cell(m.exits),
            m.permanences_planned,
            m.permanences_held,
        ]
        for m in bilan.months
    ]
    return Book(
        Text(f"Bilan — {bilan.title}", f"Evaluation — {bilan.title}").render(lang),
        creation_stamp(context, bilan.today),
        (
            Sheet(
                Text("Indicateurs", "Indicators"),
                _headers(
                    ("indicateur", "indicator"),
                    ("libellé", "label"),
                    ("objectif", "target"),
                    ("réalisé", "actual"),
                    ("écart", "gap"),
                    ("référence", "reference"),
                    ("périmètre de la référence", "scope of the reference"),
                ),
                [
                    [
                        r.id,
                        r.label,
                        r.target,
                        _cell(r.actual),
                        _cell(r.gap),
                        r.reference,
                        r.reference_scope,
                    ]
                    for r in bilan.indicators
                ],
            ),
            Sheet(
                Text("Critères", "Criteria"),
                _headers(
                    ("indicateur", "indicator"),
                    ("critère", "criterion"),
                    ("comparaison", "comparison"),
                    ("seuil", "threshold"),
                    ("valeur", "value"),
                    ("rempli", "met"),
                ),
                [
                    [
                        c.indicator,
                        c.label,
                        c.comparison.value,
                        c.threshold,
                        _cell(c.actual),
                        c.met,
                    ]
                    for c in bilan.criteria
                ],
            ),
            Sheet(
                Text("Mois", "Months"),
                _headers(
                    ("mois", "month"),
                    ("personnes suivies", "people followed"),
                    ("orientations", "referrals"),
                    ("rendez-vous honorés", "appointments attended"),
                    ("absences", "no-shows"),
                    ("sorties", "exits"),
                    ("permanences prévues", "permanences planned"),
                    ("permanences tenues", "permanences held"),
                ),
                months,
            ),
        ),
    )


__all__ = ["bilan_book"]
