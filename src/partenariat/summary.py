"""A convention as text a person reads: the summary ``partenariat show`` prints.

French by default, English on request. Sections that other parts of partenariat (or plugins) know
how to describe are given by the caller: a plugin host collects them through the
``partenariat_summary_sections`` hook (:meth:`partenariat.plugins.PluginHost.summary_sections`).
Without them, the built-in sections are written: the permanences and the target public.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import date

from partenariat.conventions import Convention, RenewalKind
from partenariat.eligibility.explain import target_public_lines as _rule_lines
from partenariat.i18n import DEFAULT_LANGUAGE, Language, Text, format_date
from partenariat.io.registry import core_registry
from partenariat.organisations import Organisation, PartnerKind
from partenariat.permanences.wording import describe


def _kind_label(
    org: Organisation, kinds: Mapping[str, PartnerKind], lang: Language, on: date | None
) -> str:
    kind = kinds.get(org.kind)
    if kind is None:
        return org.kind
    if org.former_kind is not None:
        for former in kind.former_names:
            if former.name == org.former_kind:
                return former.label.render(lang)
    # a convention signed before a rename keeps the former name (Pôle emploi before 2024)
    return kind.label_on(on).render(lang)


def _t(lang: Language, fr: str, en: str) -> str:
    return en if lang == "en" else fr


def _renewal(convention: Convention, lang: Language) -> str:
    policy = convention.renewal
    if policy.kind is RenewalKind.NONE:
        return _t(lang, "aucun (la convention prend fin)", "none (the convention ends)")
    if policy.kind is RenewalKind.TACIT:
        count = (
            _t(lang, "sans limite", "without limit")
            if policy.max_renewals is None
            else _t(
                lang, f"{policy.max_renewals} fois au plus", f"at most {policy.max_renewals} times"
            )
        )
        notice = (
            _t(
                lang,
                f", préavis de {policy.notice_days} jours",
                f", {policy.notice_days} days' notice",
            )
            if policy.notice_days
            else ""
        )
        return _t(
            lang,
            f"tacite, par période de {policy.renewal_months} mois, {count}{notice}",
            f"tacit, for periods of {policy.renewal_months} months, {count}{notice}",
        )
    condition = f" ({policy.condition})" if policy.condition else ""
    decision = format_date(policy.decision_by, lang) if policy.decision_by else "?"
    return _t(
        lang,
        f"sous condition{condition}, décision au plus tard le {decision}",
        f"conditional{condition}, decided by {decision}",
    )


def _period(convention: Convention, lang: Language) -> str:
    start = format_date(convention.period.start, lang)
    if convention.period.end is None:
        return _t(lang, f"à partir du {start}, sans fin fixée", f"from {start}, open-ended")
    end = format_date(convention.period.end, lang)
    return _t(lang, f"du {start} au {end} inclus", f"from {start} to {end} inclusive")


def _core_lines(
    convention: Convention, lang: Language, kinds: Mapping[str, PartnerKind]
) -> Iterator[str]:
    yield _t(lang, f"Convention {convention.id}", f"Convention {convention.id}")
    yield f"« {convention.title} »" if lang == "fr" else f'"{convention.title}"'
    if convention.signed_on is not None:
        signed = format_date(convention.signed_on, lang, weekday=True)
        yield _t(lang, f"Signée le {signed}", f"Signed on {signed}")
    yield _t(lang, f"Période : {_period(convention, lang)}", f"Period: {_period(convention, lang)}")
    yield _t(
        lang,
        f"Renouvellement : {_renewal(convention, lang)}",
        f"Renewal: {_renewal(convention, lang)}",
    )
    for renewal in convention.renewals:
        note = f" — {renewal.note}" if renewal.note else ""
        decided = format_date(renewal.decided_on, lang)
        yield _t(lang, f"  renouvelée le {decided}{note}", f"  renewed on {decided}{note}")
    yield ""
    yield _t(lang, "Parties :", "Parties:")
    host = convention.host_party
    named_on = convention.signed_on or convention.period.start
    for party in convention.parties:
        role = _t(lang, "hôte, ", "host, ") if party is host else ""
        where = (
            _t(lang, f", commune {party.insee}", f", commune {party.insee}") if party.insee else ""
        )
        yield f"  - {party.name} ({role}{_kind_label(party, kinds, lang, named_on)}{where})"
    if convention.signatories:
        yield _t(lang, "Signataires :", "Signatories:")
        for party in convention.parties:
            signatories = convention.signatories_for(party.id)
            if signatories:
                yield _t(lang, f"  pour {party.name} :", f"  for {party.name}:")
                yield from (f"    - {s.name}, {s.role}" for s in signatories)
    if convention.public_description:
        yield ""
        yield _t(lang, "Public visé :", "Target public:")
        yield f"  {convention.public_description}"
    if convention.objectives:
        yield _t(lang, "Objectifs :", "Objectives:")
        yield from (f"  - {o}" for o in convention.objectives)
    if convention.resources:
        yield _t(lang, "Moyens mis à disposition :", "Resources lent:")
        for r in convention.resources:
            features = f" ({', '.join(r.features)})" if r.features else ""
            yield f"  - {r.description}{features} — {convention.party(r.provided_by).name}"
    if convention.commitments:
        yield _t(lang, "Engagements :", "Commitments:")
        for c in convention.commitments:
            yield f"  - {convention.party(c.party).name}{_t(lang, ' : ', ': ')}{c.description}"
    if convention.referents:
        yield _t(lang, "Référents :", "Referents:")
        for ref in convention.referents:
            yield f"  - {ref.name}, {ref.role} ({convention.party(ref.party).name})"
    if convention.indicator_targets:
        yield _t(lang, "Indicateurs :", "Indicators:")
        for t in convention.indicator_targets:
            figures = []
            if t.target is not None:
                figures.append(_t(lang, f"objectif {t.target:g}", f"target {t.target:g}"))
            if t.reference is not None:
                scope = f" ({t.scope})" if t.scope else ""
                figures.append(
                    _t(
                        lang,
                        f"référence {t.reference:g}{scope}",
                        f"reference {t.reference:g}{scope}",
                    )
                )
            suffix = _t(lang, " : ", ": ") + ", ".join(figures) if figures else ""
            yield f"  - {t.label}{suffix}"


def permanence_lines(convention: Convention, lang: Language = DEFAULT_LANGUAGE) -> Iterator[str]:
    """Yield the summary's section on the convention's permanences (nothing if it has none)."""
    if not convention.permanences:
        return
    yield _t(lang, "Permanences :", "Permanences:")
    for p in convention.permanences:
        partner = convention.party(p.partner).name
        place = p.place.name + (f", {p.place.room}" if p.place.room else "")
        if p.place.features:
            place += f" ({', '.join(p.place.features)})"
        yield f"  - {p.title or p.id} — {partner}"
        yield f"    {describe(p.rule, p.start, p.end, lang=lang)}"
        yield _t(lang, f"    lieu : {place}", f"    place: {place}")
        if p.counsellors:
            who = ", ".join(p.counsellors)
            yield _t(lang, f"    tenue par : {who}", f"    held by: {who}")
        changes = [
            (len(p.cancellations), "annulation(s)", "cancellation(s)"),
            (len(p.moves), "déplacement(s)", "move(s)"),
            (len(p.extras), "séance(s) supplémentaire(s)", "extra session(s)"),
        ]
        said = [f"{n} {_t(lang, fr, en)}" for n, fr, en in changes if n]
        if said:
            yield _t(lang, "    exceptions : ", "    exceptions: ") + ", ".join(said)


def target_public_lines(convention: Convention, lang: Language = DEFAULT_LANGUAGE) -> Iterator[str]:
    """Yield the summary's section on the target public, in words (nothing if it has none)."""
    yield from _rule_lines(convention.target_public, lang)


def convention_summary(
    convention: Convention,
    lang: Language = DEFAULT_LANGUAGE,
    *,
    kinds: Mapping[str, PartnerKind] | None = None,
    sections: Sequence[Sequence[str]] | None = None,
) -> str:
    """Return a plain-text summary of ``convention`` in ``lang``.

    :param kinds: the partner kinds the convention was read against, for their labels: a plugin
        host's (``host.partner_kinds()``) or a registry's (``registry.partner_kinds``). By default,
        those of :func:`~partenariat.io.core_registry`, as for a convention loaded without a
        registry; a kind they do not know is shown by its name.
    :param sections: the lines of each further section, in order (from
        :meth:`partenariat.plugins.PluginHost.summary_sections`); by default the built-in ones,
        the permanences and the target public.
    """
    if kinds is None:
        kinds = core_registry().partner_kinds
    if sections is None:
        sections = [
            list(permanence_lines(convention, lang)),
            list(target_public_lines(convention, lang)),
        ]
    lines = list(_core_lines(convention, lang, kinds))
    for section in sections:
        if section:
            lines.append("")
            lines.extend(section)
    return "\n".join(lines) + "\n"


__all__ = ["Text", "convention_summary", "permanence_lines", "target_public_lines"]
