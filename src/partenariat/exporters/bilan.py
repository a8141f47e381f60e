"""The bilan of a convention as Markdown, JSON, HTML and PDF: subject ``bilan``.

JSON follows the shipped schema ``bilan`` (:func:`partenariat.exporters.schemas.schema`); a hidden
count is written ``{"masque": true, "seuil": 5}``, never its value. HTML is one self-contained
file (:mod:`.bilan_html`); PDF is that HTML laid out on A4 by weasyprint (:mod:`.bilan_pdf`).
"""

from __future__ import annotations

import enum
import json
import re
from datetime import date
from typing import Any

import attrs

from partenariat.bilan import Bilan, Hidden
from partenariat.exporters.base import ExportContext, Exporter
from partenariat.exporters.bilan_sections import sections
from partenariat.exporters.bilan_text import french_typography
from partenariat.i18n import Language, Text


def _plain(value: Any) -> Any:
    if isinstance(value, Hidden):
        return {"masque": True, "seuil": value.threshold}
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Text):
        return {"fr": value.fr, "en": value.en}
    if attrs.has(type(value)):
        return {f.name: _plain(getattr(value, f.name)) for f in attrs.fields(type(value))}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


def to_data(bilan: Bilan) -> dict[str, Any]:
    """Return the bilan as JSON-compatible data (dates in ISO 8601, hidden counts marked)."""
    data: dict[str, Any] = _plain(bilan)
    data["provisional"] = bilan.provisional
    data["communes"] = [{"commune": c, "personnes": n} for c, n in data["communes"]]
    data["exits_by_category"] = [
        {"category": c, "label": label, "exits": n} for c, label, n in data["exits_by_category"]
    ]
    data["delay_distribution"] = [
        {"days": k, "referrals": n} for k, n in data["delay_distribution"]
    ]
    return data


def to_markdown(bilan: Bilan, lang: Language) -> str:
    """Return the bilan as Markdown: headings, paragraphs and tables (charts as their tables)."""
    title = ("Bilan — " if lang == "fr" else "Evaluation — ") + bilan.title
    lines = [f"# {_md(title)}", ""]
    for section in sections(bilan, lang):
        lines += [f"## {_md(section.title)}", ""]
        for paragraph in section.paragraphs:
            lines += [_md(paragraph), ""]
        if section.table is not None:
            table = section.table
            lines += [f"*{_md(table.caption)}*", ""]
            lines.append("| " + " | ".join(_md(h) for h in table.headers) + " |")
            lines.append("|" + "|".join("---" for _ in table.headers) + "|")
            lines += ["| " + " | ".join(_md(c) for c in row) + " |" for row in table.rows]
            lines.append("")
    text = "\n".join(lines)
    return french_typography(text) if lang == "fr" else text


def _md(text: str) -> str:
    # a cell or heading shows text as written: Markdown's own characters are escaped
    for char in "\\|*_[]`#":
        text = text.replace(char, "\\" + char)
    # "< 5" stays as written; "<b" could open raw HTML
    return re.sub(r"([<>])(?=\S)", r"\\\1", text)


def _json(obj: Any, context: ExportContext) -> bytes:
    return (json.dumps(to_data(obj), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _markdown(obj: Any, context: ExportContext) -> bytes:
    return to_markdown(obj, context.lang).encode("utf-8")


def _html(obj: Any, context: ExportContext) -> bytes:
    from partenariat.exporters.bilan_html import to_html

    return to_html(obj, context.lang).encode("utf-8")


def _pdf(obj: Any, context: ExportContext) -> bytes:
    from partenariat.exporters.bilan_pdf import to_pdf

    return to_pdf(obj, context.lang)


def bilan_exporters() -> list[Exporter]:
    """Return the bilan's formats: Markdown, JSON, HTML and PDF (the last needs weasyprint)."""
    return [
        Exporter(
            "bilan",
            "markdown",
            Text("bilan en Markdown", "bilan as Markdown"),
            "text/markdown",
            "md",
            _markdown,
        ),
        Exporter(
            "bilan",
            "json",
            Text("bilan en JSON", "bilan as JSON"),
            "application/json",
            "json",
            _json,
        ),
        Exporter(
            "bilan",
            "html",
            Text(
                "bilan en HTML (un seul fichier, accessible)", "bilan as HTML (one accessible file)"
            ),
            "text/html",
            "html",
            _html,
        ),
        Exporter(
            "bilan",
            "pdf",
            Text("bilan en PDF A4 (extra « bilan »)", "bilan as A4 PDF (extra 'bilan')"),
            "application/pdf",
            "pdf",
            _pdf,
        ),
    ]


__all__ = ["bilan_exporters", "to_data", "to_markdown"]
