"""The summary of a cohort's evaluation: counts by status, reason, missing fact and priority."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

import attrs

from partenariat.i18n import DEFAULT_LANGUAGE, Language

INVALID: Final = "invalid"
"""The status of a contradiction, and of a row that could not be evaluated (with its error)."""


@attrs.frozen(eq=False)
class CohortSummary:
    """Counts by status and by reason code."""

    total: int
    """Rows read, invalid ones included."""
    by_status: Mapping[str, int]
    """``eligible``, ``not-eligible``, ``unknown``, ``invalid`` → count."""
    by_reason: Mapping[str, int]
    """Reason code → number of people it concerns (a person may have several)."""
    missing: Mapping[str, int]
    """Missing fact → number of people whose status it leaves unknown."""
    priorities: Mapping[str, int] = attrs.field(factory=dict)
    """Priority criterion → number of eligible people who meet it."""
    contradictions: int = 0
    """Among the invalid: people whose facts contradict each other (the others are unreadable rows)."""

    def render(self, lang: Language = DEFAULT_LANGUAGE) -> str:
        """Return a short text report (the CLI prints it)."""
        from partenariat.eligibility.explain import STATUS_LABELS, reason_label

        lines = [("Personnes : " if lang == "fr" else "People: ") + str(self.total)]
        lines.append("Par statut :" if lang == "fr" else "By status:")
        for status, count in self.by_status.items():
            if status == INVALID:
                unreadable = count - self.contradictions
                if self.contradictions:
                    label = STATUS_LABELS[INVALID].render(lang)
                    lines.append(f"  {label:<22} {self.contradictions:>8}")
                if unreadable or not self.contradictions:
                    label = "ligne invalide" if lang == "fr" else "invalid row"
                    lines.append(f"  {label:<22} {unreadable:>8}")
                continue
            label = STATUS_LABELS[status].render(lang) if status in STATUS_LABELS else status
            lines.append(f"  {label:<22} {count:>8}")
        if self.by_reason:
            lines.append("Par motif :" if lang == "fr" else "By reason:")
            for code, count in sorted(self.by_reason.items(), key=lambda kv: (-kv[1], kv[0])):
                lines.append(f"  {count:>8}  {code:<34} {reason_label(code).render(lang)}")
        if self.missing:
            lines.append("Faits manquants :" if lang == "fr" else "Missing facts:")
            for name, count in sorted(self.missing.items(), key=lambda kv: (-kv[1], kv[0])):
                lines.append(f"  {count:>8}  {name}")
        if self.priorities:
            lines.append(
                "Priorités (parmi les éligibles) :"
                if lang == "fr"
                else "Priorities (among eligible):"
            )
            for name, count in self.priorities.items():
                lines.append(f"  {count:>8}  {name}")
        return "\n".join(lines)


__all__ = ["INVALID", "CohortSummary"]
