"""The bilan as an A4 PDF: its HTML laid out by weasyprint (extra ``bilan``).

The HTML already carries the print rules (``@page`` A4, margins, headings kept with what follows)
and French typography; weasyprint is imported here only.
"""

from __future__ import annotations

import warnings
from typing import Any

from partenariat.bilan import Bilan
from partenariat.errors import PartenariatError
from partenariat.exporters.bilan_html import to_html
from partenariat.i18n import Language, Text


class MissingDependencyError(PartenariatError):
    """An optional dependency a format needs is not installed."""


def _import_weasyprint() -> Any:
    with warnings.catch_warnings():
        # weasyprint warns at import when the system lacks HarfBuzz-Subset (fonts are then
        # embedded whole): the PDF is still right, and the warning is about a future version.
        warnings.filterwarnings("ignore", message=".*HarfBuzz-Subset", category=DeprecationWarning)
        import weasyprint
    return weasyprint


def pdf_available() -> bool:
    """Return whether weasyprint (and the system libraries it loads) can be imported."""
    try:
        _import_weasyprint()
    except (ImportError, OSError):
        return False
    return True


def _missing(what: Text) -> MissingDependencyError:
    return MissingDependencyError(
        Text(
            f"{what.fr} demande weasyprint : pip install 'partenariat[bilan]'",
            f"{what.en} needs weasyprint: pip install 'partenariat[bilan]'",
        )
    )


def pdf_from_html(document: str, *, what: Text) -> bytes:
    """Lay out the self-contained HTML ``document`` as PDF bytes (its own ``@page`` rules).

    The PDF's title and language are the document's ``<title>`` and ``lang``.

    :param what: the document in words, for the error when weasyprint is missing
        (``Text("le PDF du bilan", "the bilan's PDF")``).
    :raises MissingDependencyError: weasyprint is not installed (``pip install partenariat[bilan]``).
    """
    try:
        weasyprint = _import_weasyprint()
    except (ImportError, OSError):
        raise _missing(what) from None
    pdf: bytes = weasyprint.HTML(string=document).write_pdf()
    return pdf


def to_pdf(bilan: Bilan, lang: Language) -> bytes:
    """Return the bilan as PDF bytes (A4).

    :raises MissingDependencyError: weasyprint is not installed (``pip install partenariat[bilan]``).
    """
    what = Text("le PDF du bilan", "the bilan's PDF")
    if not pdf_available():  # before drawing the charts, which need matplotlib (same extra)
        raise _missing(what)
    return pdf_from_html(to_html(bilan, lang), what=what)


__all__ = ["MissingDependencyError", "pdf_available", "pdf_from_html", "to_pdf"]
