"""The referral sheet laid out: one self-contained HTML page, and that page as an A4 PDF.

What the sheet says is decided by :func:`partenariat.exporters.referral_sheet.build_referral_sheet`;
this module only lays it out, with the bilan's style sheet and French typography
(:mod:`partenariat.exporters.bilan_html`), every value escaped. The PDF is that page laid out by
weasyprint (extra ``bilan``), imported only when a PDF is written.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import date, time
from typing import Final

from partenariat.eligibility.evaluation import Decision, Eligibility
from partenariat.exporters.base import ExportContext
from partenariat.exporters.bilan_html import BAR, CSS
from partenariat.exporters.bilan_text import french_typography
from partenariat.exporters.pseudonyms import pseudonymiser
from partenariat.exporters.referral_sheet import (
    IDENTITY_LABELS,
    Line,
    ReferralSheet,
    explanation,
)
from partenariat.i18n import Language, Text, format_date
from partenariat.permanences.wording import describe


def _t(lang: Language, fr: str, en: str) -> str:
    return en if lang == "en" else fr


SHEET_CSS: Final = f"""
body {{ font-size: 9.5pt; line-height: 1.3; }}
h1 {{ font-size: 1.4rem; margin: 0 0 0.1rem; }}
h2 {{ font-size: 1rem; margin-top: 0.7rem; margin-bottom: 0.25rem; }}
p {{ margin: 0.25rem 0; }}
p.sous-titre {{ margin-top: 0; }}
.deux {{ display: flex; gap: 1rem; }} .deux > section {{ flex: 1; }}
table.fiche {{ width: 100%; margin: 0.2rem 0; }}
table.fiche th {{ width: 32%; font-weight: normal; background: #f2f4fa; }}
.decision {{ border: 2px solid {BAR}; padding: 0.3rem 0.6rem; font-weight: bold; }}
.decision.indetermine {{ border-style: dashed; }}
ul.arbre {{ list-style: none; padding-left: 0; margin: 0.2rem 0; }}
ul.arbre ul.arbre {{ padding-left: 1.4em; margin: 0; }}
ul.arbre li {{ margin: 0.1rem 0; }}
.marque {{ display: inline-block; width: 1.2em; font-weight: bold; }}
footer {{ margin-top: 0.7rem; font-size: 8pt; border-top: 1px solid #767676; }}
@media print {{ body {{ padding: 0; max-width: none; }} }}
"""
"""The sheet's own rules, on top of the bilan's (:data:`partenariat.exporters.bilan_html.CSS`)."""


def _esc(text: str, lang: Language) -> str:
    return html.escape(french_typography(text) if lang == "fr" else text)


def _paragraph(text: str, lang: Language) -> str:
    return f"<p>{_esc(text, lang)}</p>"


def _section(
    key: str,
    heading: str,
    rows: Sequence[tuple[str, str]],
    lang: Language,
    *,
    otherwise: str = "",
) -> str:
    """Return a heading and its table of ``(label, value)`` rows (or the ``otherwise`` sentence)."""
    content = (
        f'<table class="fiche" aria-labelledby="{key}"><tbody>'
        + "".join(
            f'<tr><th scope="row">{_esc(k, lang)}</th><td>{_esc(v, lang)}</td></tr>'
            for k, v in rows
        )
        + "</tbody></table>"
        if rows
        else _paragraph(otherwise, lang)
    )
    return (
        f'<section aria-labelledby="{key}"><h2 id="{key}">{_esc(heading, lang)}</h2>'
        f"{content}</section>"
    )


def _hour(t: time, lang: Language) -> str:
    if lang == "en":
        return f"{t:%H:%M}"
    return f"{t.hour} h" if t.minute == 0 else f"{t.hour} h {t.minute:02d}"


def _session_rows(sheet: ReferralSheet, lang: Language) -> tuple[list[tuple[str, str]], str]:
    """Return the next session as table rows, or a sentence saying why there is none."""
    label = sheet.partner_label.render(lang)
    if sheet.permanences == 0:
        return [], _t(
            lang,
            f"La convention ne prévoit pas de permanence de {label} : prendre rendez-vous "
            "directement auprès du partenaire.",
            f"The convention provides no permanence of {label}: make an appointment with the "
            "partner directly.",
        )
    session = sheet.next_session
    if session is None:
        assert sheet.searched_until is not None
        until = format_date(sheet.searched_until, lang)
        if sheet.period_end is not None:
            return [], _t(
                lang,
                f"Aucune séance de permanence ne reste dans la période de la convention (jusqu'au "
                f"{until}) : prendre rendez-vous directement auprès du partenaire.",
                f"No permanence session is left in the convention's period (until {until}): make "
                "an appointment with the partner directly.",
            )
        return [], _t(
            lang,
            f"Aucune séance de permanence prévue d'ici au {until} : prendre rendez-vous "
            "directement auprès du partenaire.",
            f"No permanence session planned until {until}: make an appointment with the partner "
            "directly.",
        )
    perm = next(p for p in sheet.convention.permanences if p.id == session.permanence)
    start, end = session.start, session.end
    when = format_date(start.date(), lang, weekday=True)
    hours = _t(
        lang,
        f"de {_hour(start.time(), lang)} à {_hour(end.time(), lang)}",
        f"{_hour(start.time(), lang)} to {_hour(end.time(), lang)}",
    )
    # the zone is said when it is not metropolitan France's (an overseas permanence)
    zone = "" if perm.time_zone == "Europe/Paris" else f" ({perm.time_zone})"
    rows = [
        (_t(lang, "Date", "Date"), f"{when}, {hours}" + zone),
        (_t(lang, "Lieu", "Place"), session.place.label()),
    ]
    if session.place.address:
        rows.append((_t(lang, "Adresse", "Address"), session.place.address))
    rows.append(
        (
            _t(lang, "Permanence", "Permanence"),
            (perm.title + " : " if perm.title and lang == "fr" else "")
            + (perm.title + ": " if perm.title and lang == "en" else "")
            + describe(perm.rule, perm.start, perm.end, lang=lang),
        )
    )
    return rows, ""


def _tree(lines: Sequence[Line], lang: Language) -> str:
    """Nested lists from the lines' depths (a line one level deeper opens a list in the one above)."""
    out = ['<ul class="arbre">']
    depth = 0
    for i, line in enumerate(lines):
        if line.depth > depth:
            out.append('<ul class="arbre">')
            depth += 1
        else:
            if i:
                out.append("</li>")
            while depth > line.depth:
                out.append("</ul></li>")
                depth -= 1
        out.append(
            f'<li><span class="marque" aria-hidden="true">{line.mark}</span>'
            f"{_esc(line.text.render(lang), lang)}"
        )
    if lines:
        out.append("</li>")
    while depth > 0:
        out.append("</ul></li>")
        depth -= 1
    out.append("</ul>")
    return "".join(out)


def to_html(sheet: ReferralSheet, context: ExportContext) -> str:
    """Return the sheet as one self-contained HTML page (no external resource).

    :raises PseudonymKeyError: a pseudonymised sheet (the default) and no key in ``context``.
    """
    lang = context.lang
    name = pseudonymiser(context)  # no key, no pseudonymised sheet: raised before anything
    clear = not context.pseudonymise
    headline, lines, priorities = explanation(
        sheet, include_sensitive=context.include_sensitive, clear=clear
    )
    decision = sheet.decision
    label = sheet.partner_label.render(lang)
    convention = sheet.convention
    title = _t(lang, "Fiche de liaison", "Referral sheet")
    day = format_date(sheet.on, lang)

    person_rows = [
        (
            _t(lang, "Identifiant", "Identifier") if clear else _t(lang, "Pseudonyme", "Pseudonym"),
            name(sheet.person),
        )
    ]
    if clear:
        person_rows += [(IDENTITY_LABELS[k].render(lang), v) for k, v in sheet.identity]
        birth = _birth_date(decision)
        if birth is not None:
            person_rows.append(
                (_t(lang, "Date de naissance", "Birth date"), format_date(birth, lang))
            )
    from_rows = [
        (_t(lang, "Organisme", "Organisation"), sheet.host.name),
        (
            _t(lang, "Rôle de la personne qui oriente", "Role of the referrer"),
            sheet.referrer_role.render(lang),
        ),
    ]
    to_rows = [
        (_t(lang, "Partenaire", "Partner"), label),
        (_t(lang, "Nom dans la convention", "Name in the convention"), sheet.partner.name),
    ]
    period = convention.period_on(sheet.on) or convention.period
    span = _t(
        lang, f"du {format_date(period.start, lang)}", f"from {format_date(period.start, lang)}"
    ) + (
        _t(lang, f" au {format_date(period.end, lang)}", f" to {format_date(period.end, lang)}")
        if period.end is not None
        else _t(lang, ", sans fin fixée", ", open-ended")
    )
    convention_rows = [
        (_t(lang, "Intitulé", "Title"), convention.title),
        (_t(lang, "Référence", "Reference"), convention.id),
        (_t(lang, "Période en cours", "Current period"), span),
    ]
    if convention.signed_on is not None:
        convention_rows.append(
            (_t(lang, "Signée le", "Signed on"), format_date(convention.signed_on, lang))
        )
    session_rows, no_session = _session_rows(sheet, lang)

    unknown = decision.status is Eligibility.UNKNOWN
    why = [
        f'<p class="decision{" indetermine" if unknown else ""}">'
        f"{_esc(headline.render(lang), lang)}</p>"
    ]
    if unknown:
        why.append(
            _paragraph(
                _t(
                    lang,
                    "L'éligibilité n'est pas établie : le partenaire la vérifie avec la personne, "
                    "à partir des éléments marqués ? ci-dessous.",
                    "Eligibility is not established: the partner checks it with the person, from "
                    "the facts marked ? below.",
                ),
                lang,
            )
        )
    why.append(_tree(lines, lang))
    if priorities:
        why.append(
            _paragraph(
                _t(
                    lang,
                    "Critères de priorité (ils classent, ils n'excluent pas) :",
                    "Priority criteria (they rank, never exclude):",
                ),
                lang,
            )
        )
        why.append(_tree([line for head, sub in priorities for line in (head, *sub)], lang))
    subtitle = _t(lang, f"Orientation vers {label}, le {day}", f"Referral to {label}, on {day}")
    parts = [
        f'<header><h1>{_esc(title, lang)}</h1><p class="sous-titre">{_esc(subtitle, lang)}</p>'
        "</header>",
        _section("personne", _t(lang, "Personne orientée", "Person referred"), person_rows, lang),
        '<div class="deux">',
        _section("oriente-par", _t(lang, "Orientée par", "Referred by"), from_rows, lang),
        _section("oriente-vers", _t(lang, "Orientée vers", "Referred to"), to_rows, lang),
        "</div>",
        _section("convention", _t(lang, "Convention", "Convention"), convention_rows, lang),
        _section(
            "permanence",
            _t(lang, "Prochaine permanence", "Next permanence"),
            session_rows,
            lang,
            otherwise=no_session,
        ),
        '<section aria-labelledby="pourquoi">'
        f'<h2 id="pourquoi">{_esc(_t(lang, "Pourquoi cette orientation", "Why this referral"), lang)}</h2>'
        + "".join(why)
        + "</section>",
    ]
    parts.append(
        "<footer>"
        + "".join(f"<p>{_esc(p, lang)}</p>" for p in _footer(sheet, context))
        + "</footer>"
    )
    body = "\n".join(parts)
    page_title = f"{title} — {convention.id}"
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_esc(page_title, lang)}</title>\n<style>{CSS}{SHEET_CSS}</style>\n</head>\n"
        f"<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )


def _birth_date(decision: Decision) -> date | None:
    for outcome in decision.outcome.walk():
        value = dict(outcome.facts).get("birth_date")
        if isinstance(value, date):
            return value
    return None


def _footer(sheet: ReferralSheet, context: ExportContext) -> list[str]:
    lang = context.lang
    day = format_date(sheet.on, lang)
    notes = [
        _t(
            lang,
            f"Fiche établie le {day} ({sheet.host.name}) ; l'éligibilité est évaluée à cette "
            "date, sur les seuls éléments que demande le public de la convention.",
            f"Sheet made on {day} ({sheet.host.name}); eligibility is evaluated on that date, "
            "from the facts the convention's target public needs and nothing else.",
        )
    ]
    if context.pseudonymise:
        notes.append(
            _t(
                lang,
                "Document pseudonymisé : la personne est désignée par un pseudonyme ; seul le "
                "CCAS fait le lien avec son dossier.",
                "Pseudonymised document: the person is named by a pseudonym; only the CCAS can "
                "link it to their file.",
            )
        )
    else:
        notes.append(
            _t(
                lang,
                "Document nominatif : à remettre à la personne ou au partenaire seulement.",
                "Nominative document: for the person or the partner only.",
            )
        )
    if not context.include_sensitive:
        notes.append(
            _t(
                lang,
                "Les critères sensibles sont vérifiés par le CCAS sans être nommés sur cette fiche.",
                "Sensitive criteria are checked by the CCAS without being named on this sheet.",
            )
        )
    return notes


def to_pdf(sheet: ReferralSheet, context: ExportContext) -> bytes:
    """Return the sheet as an A4 PDF (its HTML laid out by weasyprint, extra ``bilan``).

    :raises MissingDependencyError: weasyprint is not installed.
    :raises PseudonymKeyError: a pseudonymised sheet (the default) and no key in ``context``.
    """
    from partenariat.exporters.bilan_pdf import pdf_from_html

    what = Text("la fiche de liaison en PDF", "the referral sheet as PDF")
    return pdf_from_html(to_html(sheet, context), what=what)


__all__ = ["SHEET_CSS", "to_html", "to_pdf"]
