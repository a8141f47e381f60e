"""The referral sheet (fiche de liaison) the CCAS hands over with a person it refers to a partner.

One page, HTML or PDF (subject ``referral-sheet``): who refers (the host party and the referring
*role*, never a name), to whom (the partner party, under the name its kind had on the sheet's day:
« Pôle emploi » before 2024), under which convention, the next permanence session of that partner
from the sheet's day on, and why the person is eligible: the convention's target public evaluated
for that person on that day, in the sentences of :mod:`partenariat.eligibility.explain`.

What the sheet refuses and what it hides:

- a person who is **not eligible**, or whose facts contradict each other, gets no sheet:
  :func:`build_referral_sheet` raises :class:`ReferralRefusedError` saying why (a sheet is exact
  or refused; there is no option to print one anyway). An **unknown** answer gives a sheet that
  says so, with what is missing: it is never shown as eligible;
- the person is named by the keyed pseudonym every export of people uses
  (:func:`partenariat.exporters.pseudonyms.pseudonymiser`), unless the context asks for clear
  identifiers (``pseudonymise=False``, the command line's ``--nominatif``); even then only the
  identity fields present in the input are shown (:func:`read_identity`);
- on a pseudonymised sheet the sentences that would quote the birth date or the geocoded address
  say the criterion and its result instead (the age in years stays);
- sensitive criteria (disability, health… as the rule registry marks them) read « critère sensible
  vérifié » without being named, unless the context includes sensitive facts.

weasyprint (extra ``bilan``) is imported only when a PDF is written, through
:func:`partenariat.exporters.bilan_pdf.pdf_from_html`.
"""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Sequence
from datetime import date, time, timedelta
from pathlib import Path
from typing import Any, Final

import attrs

from partenariat.conventions import Convention, Referent
from partenariat.eligibility.evaluation import Decision, Eligibility, Truth, Verdict, evaluate
from partenariat.eligibility.explain import explain_decision, reason_label, sentence
from partenariat.eligibility.facts import PersonFacts
from partenariat.eligibility.qpv import QPVIndex
from partenariat.eligibility.rules import AgeBetween, RuleRegistry
from partenariat.eligibility.words import rule_words
from partenariat.errors import InputError, PartenariatError, UnknownNameError, one_of
from partenariat.exporters.base import ExportContext, Exporter
from partenariat.exporters.bilan_html import BAR, CSS
from partenariat.exporters.bilan_text import french_typography
from partenariat.exporters.pseudonyms import pseudonymiser
from partenariat.i18n import Language, Text, format_date
from partenariat.io.registry import Registry
from partenariat.organisations import Organisation
from partenariat.permanences.holidays import HolidayCalendar
from partenariat.permanences.occurrence import Occurrence
from partenariat.permanences.recurrence import expand_all
from partenariat.permanences.wording import describe

SUBJECT: Final = "referral-sheet"
"""The exporters' subject (``partenariat formats`` lists its formats)."""

SEARCH_DAYS: Final = 366
"""How far the next session is looked for when the convention's period has no end."""

IDENTITY_COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "first_name": ("prenom", "first_name"),
    "last_name": ("nom", "nom_usage", "last_name", "name"),
    "phone": ("telephone", "tel", "phone"),
    "email": ("courriel", "email", "mel"),
}
"""Identity columns a people CSV may hold (French spelling first); read only for a nominative sheet."""

IDENTITY_LABELS: Final[dict[str, Text]] = {
    "first_name": Text("Prénom", "First name"),
    "last_name": Text("Nom", "Name"),
    "phone": Text("Téléphone", "Phone"),
    "email": Text("Courriel", "E-mail"),
}
"""How each identity field is said on the sheet."""

IDENTIFYING_FACTS: Final = frozenset({"birth_date", "location"})
"""Facts whose values a pseudonymised sheet never quotes (the birth date, the geocoded address)."""


class ReferralRefusedError(PartenariatError):
    """No sheet for this person: not eligible on the day, or facts that contradict each other.

    :param decision: the decision that refused it (its explanation says why).
    """

    def __init__(self, message: Text, *, decision: Decision) -> None:
        self.decision = decision
        super().__init__(message)


@attrs.frozen
class ReferralSheet:
    """Everything a referral sheet says, decided once; the formats only lay it out.

    Build it with :func:`build_referral_sheet`, which checks what a sheet needs.
    """

    convention: Convention
    """The convention the person is referred under."""
    on: date
    """The sheet's day: eligibility is evaluated and names are chosen on that day."""
    host: Organisation
    """The referring party (the CCAS, or the commune hosting the convention)."""
    referrer_role: Text
    """The referring person's role (never a name)."""
    partner: Organisation
    """The party the person is referred to."""
    partner_label: Text
    """The partner kind's name in force on :attr:`on` (« Pôle emploi » before 2024)."""
    person: str
    """The person's identifier in the input (shown only on a nominative sheet)."""
    decision: Decision
    """The target public evaluated for the person on :attr:`on` (eligible or unknown)."""
    rules: RuleRegistry = attrs.field(repr=False)
    """The rule registry the target public was built with: labels and sensitivity."""
    permanences: int
    """How many permanences the convention gives the partner (0: none)."""
    next_session: Occurrence | None
    """The first session held from :attr:`on` on, up to :attr:`searched_until`."""
    searched_until: date | None
    """The last day searched (the end of the period in force; ``None`` without permanence)."""
    period_end: date | None
    """The end of the convention's period in force on :attr:`on` (``None``: open-ended)."""
    identity: tuple[tuple[str, str], ...] = ()
    """Identity fields found in the input, ``(field, value)``, for a nominative sheet only."""

    @property
    def status(self) -> Eligibility:
        """Eligible or unknown (a sheet is never built for anything else)."""
        return self.decision.status


def _t(lang: Language, fr: str, en: str) -> str:
    return en if lang == "en" else fr


def _partner(convention: Convention, partner: str | None) -> Organisation:
    partners = convention.partners
    if partner is None:
        if len(partners) != 1:
            raise InputError(
                Text(
                    "la convention a plusieurs partenaires : dire vers lequel la personne est orientée",
                    "the convention has several partners: say which one the person is referred to",
                ),
                key="partenaire",
                expected=one_of(p.id for p in partners),
            )
        return partners[0]
    for party in partners:
        if party.id == partner:
            return party
    raise InputError(
        Text("partenaire inconnu dans cette convention", "unknown partner in this convention"),
        key="partenaire",
        found=partner,
        expected=one_of(p.id for p in partners),
    )


def _role(
    convention: Convention, host: Organisation, referent: str | None, role: str | None
) -> Text:
    if referent is not None:
        own: list[Referent] = [r for r in convention.referents if r.party == host.id and r.id]
        for candidate in own:
            if candidate.id == referent:
                return Text(candidate.role, candidate.role)
        raise InputError(
            Text(
                f"référent inconnu parmi ceux de {host.name}",
                f"unknown referent among those of {host.name}",
            ),
            key="referent",
            found=referent,
            expected=one_of(r.id for r in own if r.id) if own else Text("aucun", "none"),
        )
    if role is not None and role.strip():
        return Text(role.strip(), role.strip())
    if host.kind == "commune":
        return Text("agent de la commune", "municipal staff member")
    return Text("agent du CCAS", "CCAS staff member")


def build_referral_sheet(
    convention: Convention,
    facts: PersonFacts,
    on: date,
    *,
    registry: Registry,
    partner: str | None = None,
    referent: str | None = None,
    role: str | None = None,
    identity: Sequence[tuple[str, str]] = (),
    qpv: QPVIndex | None = None,
    holidays: HolidayCalendar | None = None,
) -> ReferralSheet:
    """Decide what the referral sheet of ``facts`` under ``convention`` on ``on`` says.

    :param registry: the names plugins register (``host.registry()``): the partner kinds (their
        names on the day) and the rule registry (labels, sensitive facts).
    :param partner: the partner party's id; required only when the convention has several.
    :param referent: the id of a referent of the host party, whose *role* the sheet shows.
    :param role: the referring person's role, in words (when no ``referent`` is given).
    :param identity: identity fields from the input (:func:`read_identity`), for a nominative sheet.
    :param qpv: loaded QPV perimeters, for rules and priorities that read them.
    :param holidays: the public holiday tables (a new one by default).
    :raises InputError: no target public, the convention not in force on ``on``, an unknown
        partner or referent, or a birth date after ``on``.
    :raises ReferralRefusedError: the person is not eligible on ``on``, or the facts contradict
        each other.
    """
    if convention.target_public is None:
        raise InputError(
            Text(
                "la convention ne définit pas de public cible ([target_public]) : impossible de "
                "dire pourquoi la personne est orientée",
                "the convention defines no target public ([target_public]): the sheet cannot say "
                "why the person is referred",
            ),
            key="target_public",
        )
    period = convention.period_on(on)
    if period is None:
        end = convention.period.end
        span = Text(
            f"du {format_date(convention.period.start)}"
            + (f" au {format_date(end)}" if end else ""),
            f"from {convention.period.start.isoformat()}"
            + (f" to {end.isoformat()}" if end else ""),
        )
        raise InputError(
            Text(
                f"la convention {convention.id} n'est pas en vigueur à la date de la fiche",
                f"convention {convention.id} is not in force on the sheet's date",
            ),
            key="jour",
            found=on.isoformat(),
            expected=Text(
                f"une date pendant la convention ({span.fr}, renouvellements compris)",
                f"a date while the convention applies ({span.en}, renewals included)",
            ),
        )
    host = convention.host_party
    party = _partner(convention, partner)
    kind = registry.partner_kinds.get(party.kind)
    if kind is None:
        raise UnknownNameError(
            Text("type de partenaire", "partner kind"), party.kind, registry.partner_kinds
        )
    decision = evaluate(convention.target_public, facts, on, qpv=qpv)
    if decision.status in (Eligibility.NOT_ELIGIBLE, Eligibility.INVALID):
        raise _refusal(convention, facts, decision, registry.rules)
    permanences = [p for p in convention.permanences if p.partner == party.id]
    until: date | None = None
    found: Occurrence | None = None
    if permanences:
        until = period.end if period.end is not None else on + timedelta(days=SEARCH_DAYS)
        sessions = expand_all(permanences, on, until, holidays or HolidayCalendar())
        found = next((o for o in sessions if o.held), None)
    return ReferralSheet(
        convention=convention,
        on=on,
        host=host,
        referrer_role=_role(convention, host, referent, role),
        partner=party,
        partner_label=kind.label_on(on),
        person=facts.id or "",
        decision=decision,
        rules=registry.rules,
        permanences=len(permanences),
        next_session=found,
        searched_until=until,
        period_end=period.end,
        identity=tuple(identity),
    )


def _refusal(
    convention: Convention, facts: PersonFacts, decision: Decision, rules: RuleRegistry
) -> ReferralRefusedError:
    """Return the error for a person who gets no sheet, with the reasons (sensitive ones masked)."""
    on_fr, on_en = format_date(decision.on), decision.on.isoformat()
    hidden = Text("critère sensible", "sensitive criterion")
    shown = [
        hidden if rules.hides(o.rule) else reason_label(o.code, rules)
        for o in (
            decision.conflicting()
            if decision.status is Eligibility.INVALID
            else decision.outcome.determining()
        )
    ]
    why_fr = " ; ".join(dict.fromkeys(t.fr for t in shown))
    why_en = "; ".join(dict.fromkeys(t.en for t in shown))
    who = facts.id or "?"
    if decision.status is Eligibility.INVALID:
        head = Text(
            f"situation contradictoire pour {who} le {on_fr} ({why_fr}) : à vérifier avec la "
            "personne avant de l'orienter",
            f"contradictory situation for {who} on {on_en} ({why_en}): to be checked with the "
            "person before referring them",
        )
    else:
        head = Text(
            f"{who} n'est pas dans le public de la convention {convention.id} le {on_fr} : {why_fr}",
            f"{who} is not in the target public of convention {convention.id} on {on_en}: {why_en}",
        )
    return ReferralRefusedError(
        Text(
            f"fiche de liaison refusée : {head.fr}. Une fiche n'est établie que pour une personne "
            "éligible, ou dont l'éligibilité reste à vérifier.",
            f"referral sheet refused: {head.en}. A sheet is made only for a person who is "
            "eligible, or whose eligibility is still to be checked.",
        ),
        decision=decision,
    )


def read_identity(path: str | Path, person: str) -> tuple[tuple[str, str], ...]:
    """Return the identity fields (:data:`IDENTITY_COLUMNS`) of ``person``'s row in a people CSV.

    Only the columns present in the file, and only non-empty cells, are returned: a nominative
    sheet shows what the input holds and nothing else. The file is the one
    :func:`partenariat.eligibility.people_csv.read_people_csv` has already read (same encoding and
    separators); rows are matched on the identifier column.

    :raises InputError: the file cannot be read.
    """
    from partenariat.eligibility.people_csv import COLUMNS

    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or type(exc).__name__
        raise InputError(
            Text(f"fichier illisible : {reason}", f"unreadable file: {reason}"), source=source
        ) from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    rows = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip().lower() for h in next(rows, [])]
    where = {
        name: next((header.index(s) for s in spellings if s in header), None)
        for name, spellings in {"id": COLUMNS["id"], **IDENTITY_COLUMNS}.items()
    }
    ident = where["id"]
    if ident is None:
        return ()
    for row in rows:
        if ident < len(row) and row[ident].strip() == person:
            found: list[tuple[str, str]] = []
            for name in IDENTITY_COLUMNS:
                column = where[name]
                if column is not None and column < len(row) and row[column].strip():
                    found.append((name, row[column].strip()))
            return tuple(found)
    return ()


# -- what the sheet says, in words ------------------------------------------------------------

_MARK: Final = {Truth.TRUE: "✓", Truth.FALSE: "✗", Truth.UNKNOWN: "?"}

_SENSITIVE: Final = {
    Truth.TRUE: Text("Critère sensible vérifié.", "Sensitive criterion checked."),
    Truth.FALSE: Text("Critère sensible non rempli.", "Sensitive criterion not met."),
    Truth.UNKNOWN: Text("Critère sensible à vérifier.", "Sensitive criterion to be checked."),
}


@attrs.frozen
class Line:
    """One line of the explanation: its depth in the tree, its answer and its sentence."""

    depth: int
    truth: Truth
    text: Text

    @property
    def mark(self) -> str:
        """✓ (met), ✗ (not met) or ? (cannot tell)."""
        return _MARK[self.truth]


def _said(outcome: Verdict, rules: RuleRegistry, *, sensitive: bool, clear: bool) -> Text:
    """Say one outcome on the sheet: masked, without identifying values, or whole."""
    if not sensitive and rules.hides(outcome.rule):
        return _SENSITIVE[outcome.truth]
    if clear or not any(name in IDENTIFYING_FACTS for name, _ in outcome.facts):
        return sentence(outcome, rules)
    # the criterion and its result, without the birth date or the coordinates it read
    asked = rule_words(outcome.rule, rules)
    result = reason_label(outcome.code, rules)
    age = outcome.detail.get("age") if isinstance(outcome.rule, AgeBetween) else None
    years = Text(f" ({age} ans)", f" (aged {age})") if age is not None else Text("", "")
    return Text(
        f"Critère « {asked.fr} » : {result.fr}{years.fr}.",
        f"Criterion '{asked.en}': {result.en}{years.en}.",
    )


def explanation(
    sheet: ReferralSheet, *, include_sensitive: bool = False, clear: bool = False
) -> tuple[Text, list[Line], list[tuple[Line, list[Line]]]]:
    """Return the headline, the lines of the eligibility tree and each priority with its lines.

    The headline is :func:`~partenariat.eligibility.explain.explain_decision`'s (« Éligible au … »,
    « Éligibilité indéterminée au … : il manque … »); the lines are its sentences, one per rule.

    :param include_sensitive: name the sensitive criteria (masked by default).
    :param clear: quote birth dates and coordinates (a nominative sheet); otherwise the lines that
        read them say the criterion and its result.
    """
    rules = sheet.rules
    decision = sheet.decision
    fr, en = (
        explain_decision(
            decision, lang, hide_sensitive=not include_sensitive, registry=rules
        ).split("\n", 1)[0]
        for lang in ("fr", "en")
    )

    def walk(outcome: Verdict, depth: int, into: list[Line]) -> list[Line]:
        into.append(
            Line(
                depth,
                outcome.truth,
                _said(outcome, rules, sensitive=include_sensitive, clear=clear),
            )
        )
        for child in outcome.children:
            walk(child, depth + 1, into)
        return into

    priorities: list[tuple[Line, list[Line]]] = []
    for p in decision.priorities:
        label = p.priority.label or Text(p.priority.name, p.priority.name)
        if not include_sensitive and rules.hides(p.priority.rule):
            label = _SENSITIVE[p.outcome.truth]
        priorities.append((Line(0, p.outcome.truth, label), walk(p.outcome, 1, [])))
    return Text(fr, en), walk(decision.outcome, 0, []), priorities


# -- HTML ---------------------------------------------------------------------------------------

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


# -- PDF and the exporters ----------------------------------------------------------------------


def to_pdf(sheet: ReferralSheet, context: ExportContext) -> bytes:
    """Return the sheet as an A4 PDF (its HTML laid out by weasyprint, extra ``bilan``).

    :raises MissingDependencyError: weasyprint is not installed.
    :raises PseudonymKeyError: a pseudonymised sheet (the default) and no key in ``context``.
    """
    from partenariat.exporters.bilan_pdf import pdf_from_html

    what = Text("la fiche de liaison en PDF", "the referral sheet as PDF")
    return pdf_from_html(to_html(sheet, context), what=what)


def _html(obj: Any, context: ExportContext) -> bytes:
    return to_html(obj, context).encode("utf-8")


def _pdf(obj: Any, context: ExportContext) -> bytes:
    return to_pdf(obj, context)


def referral_sheet_exporters() -> list[Exporter]:
    """Return the referral sheet's formats: HTML (one self-contained file) and PDF (A4)."""
    return [
        Exporter(
            SUBJECT,
            "html",
            Text(
                "fiche de liaison en HTML (un seul fichier)",
                "referral sheet as HTML (one file)",
            ),
            "text/html",
            "html",
            _html,
        ),
        Exporter(
            SUBJECT,
            "pdf",
            Text(
                "fiche de liaison en PDF A4 (extra « bilan »)",
                "referral sheet as A4 PDF (extra 'bilan')",
            ),
            "application/pdf",
            "pdf",
            _pdf,
        ),
    ]


__all__ = [
    "IDENTIFYING_FACTS",
    "IDENTITY_COLUMNS",
    "SUBJECT",
    "Line",
    "ReferralRefusedError",
    "ReferralSheet",
    "build_referral_sheet",
    "explanation",
    "read_identity",
    "referral_sheet_exporters",
    "to_html",
    "to_pdf",
]
