"""The errors partenariat raises.

All of them derive from :class:`PartenariatError` and carry structured data (the file, the key path,
the value found, what was expected) as well as a message a CCAS agent understands, in French by
default and in English on request (:meth:`PartenariatError.describe`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from partenariat.i18n import DEFAULT_LANGUAGE, Language, Text

_NOTHING: Any = object()


def _show(value: object, lang: Language = DEFAULT_LANGUAGE) -> str:
    if isinstance(value, str):
        return f"'{value}'" if lang == "en" else f"« {value} »"
    return repr(value)


class PartenariatError(Exception):
    """Root of every error raised on purpose by partenariat.

    :param message: what went wrong, in both languages (a plain ``str`` is used for both).
    """

    def __init__(self, message: Text | str) -> None:
        self.message = message if isinstance(message, Text) else Text(message, message)
        super().__init__(self.describe())

    def describe(self, lang: Language = DEFAULT_LANGUAGE) -> str:
        """Return the full message in ``lang``."""
        return self.message.render(lang)

    def __str__(self) -> str:
        return self.describe()


class InputError(PartenariatError):
    """One problem in a piece of input (a file, a key, a value, a CSV row).

    :param problem: what is wrong, e.g. ``Text("code INSEE invalide", "invalid INSEE code")``.
    :param source: the file (or other source) the input came from, if any.
    :param key: the key path inside the source, e.g. ``parties[1].insee``.
    :param found: the value found (omit when there is none, e.g. a missing key).
    :param expected: what was expected instead.
    :param line: 1-based line in the source, when known.
    :param column: 1-based column in the source, when known.
    """

    def __init__(
        self,
        problem: Text | str,
        *,
        source: str | Path | None = None,
        key: str | None = None,
        found: object = _NOTHING,
        expected: Text | str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self.problem = problem if isinstance(problem, Text) else Text(problem, problem)
        self.source = str(source) if source is not None else None
        self.key = key
        self.has_found = found is not _NOTHING
        self.found = found if self.has_found else None
        if isinstance(expected, str):
            expected = Text(expected, expected)
        self.expected = expected
        self.line = line
        self.column = column
        super().__init__(self.problem)

    def located(self, source: str | Path | None = None, *, prefix: str | None = None) -> InputError:
        """Return a copy attached to ``source`` and/or with ``prefix`` prepended to the key path."""
        key = self.key
        if prefix:
            if not key:
                key = prefix
            elif key.startswith("["):
                key = prefix + key
            else:
                key = f"{prefix}.{key}"
        return InputError(
            self.problem,
            source=source if source is not None else self.source,
            key=key,
            found=self.found if self.has_found else _NOTHING,
            expected=self.expected,
            line=self.line,
            column=self.column,
        )

    def where(self, lang: Language = DEFAULT_LANGUAGE) -> str:
        """Return where the problem is: ``file:line:column, clé a.b`` (empty when unknown)."""
        parts: list[str] = []
        if self.source:
            place = self.source
            if self.line is not None:
                place += f":{self.line}"
                if self.column is not None:
                    place += f":{self.column}"
            parts.append(place)
        elif self.line is not None:
            parts.append(("ligne " if lang == "fr" else "line ") + str(self.line))
        if self.key:
            parts.append(("clé " if lang == "fr" else "key ") + self.key)
        return ", ".join(parts)

    def describe(self, lang: Language = DEFAULT_LANGUAGE) -> str:
        """Return ``where: problem (found …, expected …)`` in ``lang``."""
        text = self.problem.render(lang)
        details: list[str] = []
        if self.has_found:
            details.append(("trouvé " if lang == "fr" else "found ") + _show(self.found, lang))
        if self.expected is not None:
            details.append(
                ("attendu : " if lang == "fr" else "expected: ") + self.expected.render(lang)
            )
        if details:
            text += " (" + ", ".join(details) + ")"
        where = self.where(lang)
        sep = " : " if lang == "fr" else ": "
        return f"{where}{sep}{text}" if where else text


class ValidationError(PartenariatError):
    """Several input problems reported together, so that a user fixes them all in one go.

    :param errors: the individual problems (at least one).
    """

    def __init__(self, errors: Iterable[InputError], *, source: str | Path | None = None) -> None:
        self.errors: tuple[InputError, ...] = tuple(
            e.located(source) if source is not None and e.source is None else e for e in errors
        )
        if not self.errors:
            raise ValueError("ValidationError needs at least one InputError")
        self.source = str(source) if source is not None else self.errors[0].source
        n = len(self.errors)
        super().__init__(
            Text(
                f"{n} erreur{'s' if n > 1 else ''} de validation",
                f"{n} validation error{'s' if n > 1 else ''}",
            )
        )

    def describe(self, lang: Language = DEFAULT_LANGUAGE) -> str:
        """Return a header line then one line per problem."""
        lines = [self.message.render(lang)]
        lines += [f"  - {e.describe(lang)}" for e in self.errors]
        return "\n".join(lines)


def raise_if_any(errors: Sequence[InputError], *, source: str | Path | None = None) -> None:
    """Raise :class:`ValidationError` if ``errors`` is not empty."""
    if errors:
        raise ValidationError(errors, source=source)


class PluginError(PartenariatError):
    """A plugin could not be loaded or misbehaved.

    :param plugin: the plugin's name (entry-point name).
    :param distribution: the distribution that provides it, when known.
    """

    def __init__(
        self, message: Text | str, *, plugin: str, distribution: str | None = None
    ) -> None:
        self.plugin = plugin
        self.distribution = distribution
        super().__init__(message)


class UnknownNameError(PartenariatError, LookupError):
    """A name (partner kind, exporter, predicate, lifecycle…) that nothing registered.

    :param kind: what sort of name it is, e.g. ``Text("exportateur", "exporter")``.
    :param name: the name asked for.
    :param known: the names that are registered, for the message and a did-you-mean suggestion.
    """

    def __init__(self, kind: Text, name: str, known: Iterable[str]) -> None:
        self.kind = kind
        self.name = name
        self.known = tuple(sorted(known))
        hint = did_you_mean(name, self.known)
        listing = ", ".join(self.known) or "—"
        super().__init__(
            Text(
                f"{kind.fr} inconnu : « {name} »{hint.fr} (connus : {listing})",
                f"unknown {kind.en}: '{name}'{hint.en} (known: {listing})",
            )
        )


def listing(names: Iterable[str]) -> Text:
    """Return the names joined with commas, the same in both languages (an "expected" value)."""
    text = ", ".join(names)
    return Text(text, text)


def one_of(names: Iterable[str], *, feminine: bool = False) -> Text:
    """Return ``un de : a, b`` / ``one of: a, b`` (``une de`` when the names stand for a *clé*)."""
    text = ", ".join(names)
    return Text(("une de : " if feminine else "un de : ") + text, "one of: " + text)


def did_you_mean(name: str, candidates: Iterable[str]) -> Text:
    """Return a ``" ; vouliez-vous dire « x » ?"`` suffix, or empty text when nothing is close."""
    import difflib

    match = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    if not match:
        return Text("", "")
    return Text(f" ; vouliez-vous dire « {match[0]} » ?", f"; did you mean '{match[0]}'?")
