"""Export formats as data: what an exporter plugin returns from ``partenariat_exporters``.

An :class:`Exporter` turns one kind of object (its *subject*: a convention, a calendar of
occurrences, a cohort of eligibility decisions, indicators…) into bytes in one format. The core's
own formats are registered through the same hook as third-party ones.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import IO, Any

import attrs

from partenariat.i18n import DEFAULT_LANGUAGE, Language, Text


@attrs.frozen
class ExportContext:
    """Options every exporter receives.

    :param lang: the language of what a person reads in the output.
    :param pseudonymise: replace personal identifiers with stable pseudonyms (the default: exports
        leave the CCAS, personal data should not).
    :param include_sensitive: include sensitive facts (disability, health); off unless asked for.
    :param options: format-specific options, by name.
    :param pseudonym_key: the secret key of pseudonyms (see :mod:`partenariat.exporters.pseudonyms`);
        an export of people that must pseudonymise and has no key is an error, never a default
        key. Never shown in ``repr``.
    """

    lang: Language = DEFAULT_LANGUAGE
    pseudonymise: bool = True
    include_sensitive: bool = False
    options: Mapping[str, object] = attrs.field(factory=dict)
    pseudonym_key: bytes | None = attrs.field(default=None, repr=False)


@attrs.frozen
class Exporter:
    """One export format for one subject.

    :param subject: what it exports: ``"convention"``, ``"calendar"``, ``"cohort"``,
        ``"indicators"``… (free text; the caller asks for a subject).
    :param name: the format's short name, unique within the subject (``"json"``, ``"ics"``).
    :param label: a description for people, in both languages.
    :param media_type: the IANA media type of the output.
    :param extension: the usual file extension, without the dot.
    :param write: ``write(obj, context) -> bytes``.
    :param stream: optional ``stream(obj, context, out)``, writing the same bytes as ``write`` to
        the binary stream ``out`` as they are produced, for outputs too large to hold in memory
        (a whole journal's appointments). The host uses it for built-in exporters only.
    """

    subject: str
    name: str
    label: Text
    media_type: str
    extension: str
    write: Callable[[Any, ExportContext], bytes] = attrs.field(eq=False, repr=False)
    stream: Callable[[Any, ExportContext, IO[bytes]], None] | None = attrs.field(
        default=None, eq=False, repr=False
    )

    @property
    def key(self) -> tuple[str, str]:
        """``(subject, name)``, the exporter's identity."""
        return (self.subject, self.name)

    def write_to(self, obj: Any, context: ExportContext, out: IO[bytes]) -> None:
        """Write ``obj`` to the binary stream ``out``, streamed when the exporter can."""
        if self.stream is not None:
            self.stream(obj, context, out)
        else:
            out.write(self.write(obj, context))
