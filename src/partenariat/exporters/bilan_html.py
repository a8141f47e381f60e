"""The bilan as one self-contained, accessible HTML file, with SVG charts drawn by matplotlib.

Accessibility (RGAA): a language, a title, headings in order, tables with a caption and header
cells (``scope``), each chart an image with alternative text and its data table beside it, text
in dark grey on white and bars in a dark blue (contrast above 7:1). Charts are embedded as
``data:`` images, so the file stands alone and weasyprint lays it out as it is.

matplotlib is imported here only (extra ``bilan``): ``partenariat --help`` never loads it.
"""

from __future__ import annotations

import base64
import html
import io

from partenariat.bilan import Bilan
from partenariat.exporters.bilan_sections import Chart, Section, Table, sections
from partenariat.exporters.bilan_text import french_typography
from partenariat.i18n import Language

INK = "#1a1a1a"
"""Text colour (contrast 17:1 on white)."""
BAR = "#1f3a93"
"""Bar colour (contrast 10:1 on white)."""

CSS = f"""
@page {{ size: A4; margin: 18mm 16mm; }}
body {{ font-family: "DejaVu Sans", Arial, sans-serif; color: {INK}; background: #ffffff;
  line-height: 1.45; max-width: 60rem; margin: 0 auto; padding: 1rem; font-size: 11pt; }}
h1 {{ font-size: 1.6rem; }} h2 {{ font-size: 1.25rem; margin-top: 1.6rem;
  border-bottom: 2px solid {BAR}; }}
table {{ border-collapse: collapse; margin: 0.5rem 0; }}
caption {{ text-align: left; font-style: italic; padding-bottom: 0.3rem; }}
th, td {{ border: 1px solid #767676; padding: 0.2rem 0.5rem; text-align: left; }}
td.n {{ text-align: right; font-variant-numeric: tabular-nums; }}
thead th {{ background: #e8ecf6; }}
.pair {{ display: flex; flex-wrap: wrap; gap: 1.5rem; align-items: flex-start; }}
figure {{ margin: 0; }} figure img {{ max-width: 100%; width: 26rem; }}
.recommandation {{ font-weight: bold; border-left: 6px solid {BAR}; padding-left: 0.6rem; }}
@media print {{ .pair {{ display: block; }} h2 {{ break-after: avoid; }} }}
"""


def chart_svg(chart: Chart) -> str:
    """Draw ``chart`` as SVG text (text kept as text, ids stable from one run to the next)."""
    import matplotlib
    from matplotlib.figure import Figure

    with matplotlib.rc_context(
        {"svg.fonttype": "none", "svg.hashsalt": "partenariat-bilan", "font.size": 9}
    ):
        figure = Figure(figsize=(5.2, 2.8), layout="constrained")
        axes = figure.subplots()
        positions = list(range(len(chart.labels)))
        heights = [0.0 if v is None else v for v in chart.values]
        if chart.horizontal:
            axes.barh(positions, heights, color=BAR)
            axes.set_yticks(positions, chart.labels)
            axes.invert_yaxis()
        else:
            axes.bar(positions, heights, color=BAR)
            axes.set_xticks(positions, chart.labels, rotation=20, ha="right")
        for spine in ("top", "right"):
            axes.spines[spine].set_visible(False)
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def _text(text: str, lang: Language) -> str:
    """Escape ``text`` for HTML, with French typography in French (never applied to markup)."""
    return html.escape(french_typography(text) if lang == "fr" else text)


def _table(table: Table, lang: Language) -> str:
    head = "".join(f'<th scope="col">{_text(h, lang)}</th>' for h in table.headers)
    body = []
    for row in table.rows:
        first, *rest = row
        cells = "".join(f'<td class="n">{_text(c, lang)}</td>' for c in rest)
        body.append(f'<tr><th scope="row">{_text(first, lang)}</th>{cells}</tr>')
    return (
        f"<table><caption>{_text(table.caption, lang)}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


def _section(section: Section, lang: Language) -> str:
    parts = [f"<section><h2>{_text(section.title, lang)}</h2>"]
    for paragraph in section.paragraphs:
        css = (
            ' class="recommandation"'
            if section.title in ("Recommandation", "Recommendation")
            else ""
        )
        parts.append(f"<p{css}>{_text(paragraph, lang)}</p>")
    if section.table is not None and section.chart is not None:
        svg = base64.b64encode(chart_svg(section.chart).encode("utf-8")).decode("ascii")
        alt = _text(section.chart.alt, lang)
        parts.append(
            '<div class="pair">'
            f'<figure><img src="data:image/svg+xml;base64,{svg}" alt="{alt}">'
            f"<figcaption>{alt}</figcaption></figure>"
            f"{_table(section.table, lang)}</div>"
        )
    elif section.table is not None:
        parts.append(_table(section.table, lang))
    parts.append("</section>")
    return "".join(parts)


def to_html(bilan: Bilan, lang: Language) -> str:
    """Return the bilan as one HTML document (no external resource)."""
    title = ("Bilan — " if lang == "fr" else "Evaluation — ") + bilan.title
    body = "\n".join(_section(s, lang) for s in sections(bilan, lang))
    if lang == "fr":
        title = french_typography(title)
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n"
        f"<h1>{html.escape(title)}</h1>\n{body}\n</main>\n</body>\n</html>\n"
    )


__all__ = ["BAR", "CSS", "INK", "chart_svg", "to_html"]
