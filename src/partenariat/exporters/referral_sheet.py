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

The layout is in :mod:`partenariat.exporters.referral_sheet_html` (HTML, and PDF through
:func:`partenariat.exporters.bilan_pdf.pdf_from_html`: weasyprint, extra ``bilan``, is imported only
when a PDF is written).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date, timedelta
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
from partenariat.i18n import Text, format_date
from partenariat.io.registry import Registry
from partenariat.organisations import Organisation
from partenariat.permanences.holidays import HolidayCalendar
from partenariat.permanences.occurrence import Occurrence
from partenariat.permanences.recurrence import expand_all

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
            expected=one_of(r.id for r in own if r.id)
            if own
            else Text(
                "un référent de cette partie, mais la convention n'en nomme aucun : dire le rôle",
                "a referent of that party, but the convention names none: give the role instead",
            ),
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
    # the partner the follow-up would refer to: the only one, or the one named (checked there)
    party = convention.party(convention.terms(partner=partner).partner)
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


# -- the exporters ------------------------------------------------------------------------------


def _html(obj: Any, context: ExportContext) -> bytes:
    from partenariat.exporters.referral_sheet_html import to_html

    return to_html(obj, context).encode("utf-8")


def _pdf(obj: Any, context: ExportContext) -> bytes:
    from partenariat.exporters.referral_sheet_html import to_pdf

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
]
