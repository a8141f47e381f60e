"""The bilan as sections of text and tables, in reading order: what Markdown, HTML and PDF lay out.

Each format renders the same :class:`Section` values, so that they say the same thing; a section
may carry a :class:`Chart`, always drawn from (and shown beside) its own table.
"""

from __future__ import annotations

import attrs

from partenariat.bilan import Bilan, Hidden
from partenariat.bilan.report import Figure
from partenariat.exporters.bilan_text import (
    RECOMMENDATIONS,
    day,
    figure,
    gap,
    met,
    month,
    number,
    percent,
    period_line,
)
from partenariat.i18n import Language


@attrs.frozen
class Table:
    """A table with a caption, column headers and rows of text (the first column heads its row)."""

    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@attrs.frozen
class Chart:
    """A bar chart of one column of a table.

    :param alt: the chart in one sentence, for people who do not see it.
    :param labels: the bars' labels.
    :param values: the bars' values (``None``: hidden or missing, drawn as no bar).
    """

    alt: str
    labels: tuple[str, ...]
    values: tuple[float | None, ...]
    horizontal: bool = False


@attrs.frozen
class Section:
    """A heading, paragraphs, and optionally a table and its chart."""

    title: str
    paragraphs: tuple[str, ...] = ()
    table: Table | None = None
    chart: Chart | None = None


def _plain(value: Figure) -> float | None:
    return None if value is None or isinstance(value, Hidden) else float(value)


def sections(bilan: Bilan, lang: Language) -> list[Section]:
    """Return the bilan's sections, in reading order."""
    fr = lang == "fr"

    def t(french: str, english: str) -> str:
        return french if fr else english

    out: list[Section] = []
    brief = [
        t("Parties : ", "Parties: ") + ", ".join(bilan.parties) + ".",
        t("Période du bilan : ", "Period of the bilan: ") + period_line(bilan, lang) + ".",
        t("Établi le ", "Drawn up on ") + day(bilan.today, lang) + ".",
    ]
    if bilan.signed_on is not None:
        brief.insert(1, t("Signée le ", "Signed on ") + day(bilan.signed_on, lang) + ".")
    kinds = {
        "none": ("aucun", "none"),
        "tacit": ("tacite", "tacit"),
        "conditional": ("conditionnel", "conditional"),
    }
    french, english = kinds.get(bilan.renewal_kind, (bilan.renewal_kind, bilan.renewal_kind))
    renewal = t("Renouvellement : ", "Renewal: ") + t(french, english)
    if bilan.condition:
        renewal += f" — « {bilan.condition} »" if fr else f" — “{bilan.condition}”"
    if bilan.decision_by is not None:
        renewal += t(", décision au plus tard le ", ", decision by ") + day(bilan.decision_by, lang)
    brief.append(renewal + ".")
    brief.append(
        t(
            f"Secret statistique : les effectifs de 1 à {bilan.threshold - 1} sont masqués "
            f"(« < {bilan.threshold} »), ainsi qu'un effectif voisin quand un total permettrait "
            "de les retrouver.",
            f"Statistical secrecy: counts from 1 to {bilan.threshold - 1} are hidden "
            f"(“< {bilan.threshold}”), and a neighbouring count when a total would give them away.",
        )
    )
    out.append(Section(t("La convention en bref", "The convention in brief"), tuple(brief)))
    out.append(
        Section(
            t("Recommandation", "Recommendation"),
            (RECOMMENDATIONS[bilan.recommendation].render(lang),),
        )
    )
    if bilan.criteria:
        rows = tuple(
            (
                c.label,
                f"{c.indicator} : {c.comparison.words.render(lang)} "
                + (
                    percent(c.threshold, lang)
                    if _is_share(bilan, c.indicator)
                    else number(c.threshold, lang)
                ),
                figure(c.actual, lang, share=_is_share(bilan, c.indicator)),
                met(c.met, lang),
            )
            for c in bilan.criteria
        )
        out.append(
            Section(
                t("Critères du renouvellement", "Renewal criteria"),
                table=Table(
                    t("Chaque critère, rempli ou non", "Each criterion, met or not"),
                    (
                        t("Critère", "Criterion"),
                        t("Condition", "Condition"),
                        t("Valeur", "Value"),
                        t("Résultat", "Result"),
                    ),
                    rows,
                ),
            )
        )
    if bilan.empty:
        out.append(
            Section(
                t("Indicateurs", "Indicators"),
                (RECOMMENDATIONS[bilan.recommendation].render(lang),),
            )
        )
        return out
    out.append(
        Section(
            t("Objectifs et indicateurs", "Objectives and indicators"),
            table=Table(
                t(
                    "Objectif, valeur atteinte et écart, chiffre de référence",
                    "Target, actual value and gap, reference figure",
                ),
                (
                    t("Indicateur", "Indicator"),
                    t("Objectif", "Target"),
                    t("Réalisé", "Actual"),
                    t("Écart", "Gap"),
                    t("Référence", "Reference"),
                ),
                tuple(
                    (
                        r.label + ("" if len(r.scope) == 1 else f" ({', '.join(r.scope)})"),
                        figure(r.target, lang, share=r.measure.is_share),
                        figure(r.actual, lang, share=r.measure.is_share),
                        gap(r.gap, lang, share=r.measure.is_share),
                        figure(r.reference, lang)
                        + (f" ({r.reference_scope})" if r.reference_scope else ""),
                    )
                    for r in bilan.indicators
                ),
            ),
        )
    )
    months = bilan.months
    out.append(
        Section(
            t("Mois par mois", "Month by month"),
            table=Table(
                t("Activité de chaque mois", "Activity of each month"),
                (
                    t("Mois", "Month"),
                    t("Personnes suivies", "People followed"),
                    t("Orientations", "Referrals"),
                    t("RDV honorés", "Appointments attended"),
                    t("Absences", "No-shows"),
                    t("Sorties", "Exits"),
                    t("Permanences prévues", "Permanences planned"),
                    t("Permanences tenues", "Permanences held"),
                ),
                tuple(
                    (
                        month(m.month, lang),
                        figure(m.people_followed, lang),
                        figure(m.referrals, lang),
                        figure(m.appointments_attended, lang),
                        figure(m.no_shows, lang),
                        figure(m.exits, lang),
                        figure(m.permanences_planned, lang),
                        figure(m.permanences_held, lang),
                    )
                    for m in months
                ),
            ),
            chart=Chart(
                t(
                    "Diagramme en barres des personnes suivies chaque mois ; les valeurs sont "
                    "dans le tableau voisin.",
                    "Bar chart of the people followed each month; the values are in the table "
                    "beside it.",
                ),
                tuple(month(m.month, lang) for m in months),
                tuple(_plain(m.people_followed) for m in months),
            ),
        )
    )
    out.append(
        Section(
            t("Quartiers prioritaires (QPV)", "Priority neighbourhoods (QPV)"),
            (
                t(
                    "Part des personnes suivies habitant un QPV à l'entrée : ",
                    "Share in a QPV at entry: ",
                )
                + figure(bilan.qpv_share, lang, share=True)
                + ".",
            ),
            table=Table(
                t("Personnes suivies selon le lieu de résidence", "People followed by residence"),
                (t("Résidence", "Residence"), t("Personnes", "People")),
                (
                    (t("en QPV", "in a QPV"), figure(bilan.people_in_qpv, lang)),
                    (t("hors QPV", "outside a QPV"), figure(bilan.people_not_in_qpv, lang)),
                    *(
                        (t(f"commune {c}", f"commune {c}"), figure(n, lang))
                        for c, n in bilan.communes
                    ),
                    (t("Total", "Total"), figure(bilan.people_followed, lang)),
                ),
            ),
        )
    )
    categories = bilan.exits_by_category
    out.append(
        Section(
            t("Sorties par catégorie", "Exits by category"),
            (
                t("Sorties positives : ", "Positive exits: ")
                + figure(bilan.positive_exits, lang)
                + t(" sur ", " of ")
                + figure(bilan.exits, lang)
                + " ("
                + figure(bilan.positive_share, lang, share=True)
                + ").",
            ),
            table=Table(
                t("Sorties de la période par catégorie", "Exits of the period by category"),
                (t("Catégorie", "Category"), t("Sorties", "Exits")),
                (
                    *((label.render(lang), figure(n, lang)) for _, label, n in categories),
                    (t("Total", "Total"), figure(bilan.exits, lang)),
                ),
            ),
            chart=Chart(
                t(
                    "Diagramme en barres horizontales des sorties par catégorie ; les valeurs "
                    "sont dans le tableau voisin.",
                    "Horizontal bar chart of exits by category; the values are in the table beside it.",
                ),
                tuple(label.render(lang) for _, label, _ in categories),
                tuple(_plain(n) for _, _, n in categories),
                horizontal=True,
            ),
        )
    )
    out.append(
        Section(
            t("Délais d'accès", "Delays"),
            (
                t(
                    "Délai médian entre l'orientation et le premier rendez-vous honoré : ",
                    "Median days from referral to the first attended appointment: ",
                )
                + figure(bilan.delay_median, lang)
                + t(" jours, sur ", " days, over ")
                + figure(bilan.delays_measured, lang)
                + t(" orientations.", " referrals."),
            ),
            table=Table(
                t("Répartition des délais (jours)", "Distribution of delays (days)"),
                (t("Délai", "Delay"), t("Orientations", "Referrals")),
                tuple(
                    (f"{k} {t('jours', 'days')}", figure(n, lang))
                    for k, n in bilan.delay_distribution
                ),
            ),
            chart=Chart(
                t(
                    "Diagramme en barres de la répartition des délais ; les valeurs sont dans le "
                    "tableau voisin.",
                    "Bar chart of the distribution of delays; the values are in the table beside it.",
                ),
                tuple(k for k, _ in bilan.delay_distribution),
                tuple(_plain(n) for _, n in bilan.delay_distribution),
            ),
        )
    )
    out.append(
        Section(
            t("Rendez-vous et permanences", "Appointments and permanences"),
            table=Table(
                t("Présence aux rendez-vous, permanences tenues", "Attendance, permanences held"),
                (t("Mesure", "Measure"), t("Valeur", "Value")),
                (
                    (
                        t("Rendez-vous honorés", "Appointments attended"),
                        figure(bilan.appointments_attended, lang),
                    ),
                    (t("Absences", "No-shows"), figure(bilan.no_shows, lang)),
                    (
                        t("Taux de présence", "Attendance rate"),
                        figure(bilan.attendance_rate, lang, share=True),
                    ),
                    (
                        t("Permanences prévues", "Permanences planned"),
                        figure(bilan.permanences_planned, lang),
                    ),
                    (
                        t("Permanences tenues", "Permanences held"),
                        figure(bilan.permanences_held, lang),
                    ),
                    (
                        t("Part des permanences tenues", "Share of permanences held"),
                        figure(bilan.permanences_held_share, lang, share=True),
                    ),
                ),
            ),
        )
    )
    return out


def _is_share(bilan: Bilan, indicator: str) -> bool:
    return any(r.id == indicator and r.measure.is_share for r in bilan.indicators)


__all__ = ["Chart", "Section", "Table", "sections"]
