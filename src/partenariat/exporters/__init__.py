"""Export formats: the :class:`Exporter` type, and the core's own formats, one module per subject.

Plugins return :class:`Exporter` values from the ``partenariat_exporters`` hook.

- :mod:`~partenariat.exporters.base`: :class:`Exporter` and :class:`ExportContext`;
- :mod:`~partenariat.exporters.conventions`: a convention as TOML or JSON (subject ``convention``);
- :mod:`~partenariat.exporters.cohort`: cohort eligibility results (subject ``cohort``);
- :mod:`~partenariat.exporters.indicators`: follow-up indicators (subject ``indicators``).

The calendar formats (subject ``calendar``) are in :mod:`partenariat.exporters.calendar`.
The built-in plugins of :mod:`partenariat.default_plugins` register them all through the same hook
as third-party formats.
"""

from __future__ import annotations

from partenariat.exporters.base import ExportContext, Exporter

__all__ = ["ExportContext", "Exporter"]
