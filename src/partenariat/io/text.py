"""Reading text files with errors a person can act on: which file, which line, which column.

Every text format partenariat reads (TOML convention files, case tables, CSV cohorts) starts here,
so that a missing file, a folder given instead of a file, a permission problem or a file saved in
another encoding than UTF-8 is reported the same way everywhere.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from partenariat.errors import InputError
from partenariat.i18n import Text


def position(text: str, offset: int) -> tuple[int, int]:
    """Return the 1-based ``(line, column)`` of character ``offset`` in ``text``."""
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def read_text(path: str | Path, *, expected: Text | None = None) -> str:
    """Return the text of a UTF-8 file (a byte-order mark is dropped).

    :param expected: what the file should be, said when it is missing (``"un fichier TOML"``).
    :raises InputError: the file is missing, a folder, unreadable, or not UTF-8 (with the line and
        column of the first byte that is not).
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(
            Text("fichier introuvable", "file not found"),
            source=path,
            expected=expected or Text("un fichier existant", "an existing file"),
        ) from None
    except IsADirectoryError:
        raise InputError(
            Text("c'est un dossier, pas un fichier", "this is a folder, not a file"), source=path
        ) from None
    except OSError as exc:
        raise InputError(
            Text(f"lecture impossible : {exc.strerror}", f"cannot read: {exc.strerror}"),
            source=path,
        ) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError(
            Text("le fichier n'est pas encodé en UTF-8", "the file is not UTF-8 encoded"),
            source=path,
            line=line,
            column=column,
            found=raw[exc.start : exc.start + 1],
            expected=Text(
                "du texte UTF-8 (réenregistrez le fichier en UTF-8)",
                "UTF-8 text (save the file as UTF-8)",
            ),
        ) from None


def _toml_position(message: str) -> tuple[int | None, int | None]:
    match = re.search(r"line (\d+), column (\d+)", message)
    return (int(match[1]), int(match[2])) if match else (None, None)


MAX_NESTING = 32
"""How deeply arrays and tables may nest in a file partenariat reads (a convention needs 6)."""


def nesting_problem(data: Any, *, source: Path | None = None) -> InputError | None:
    """Return an error naming the first key path nested deeper than :data:`MAX_NESTING`, if any."""
    stack: list[tuple[Any, str, int]] = [(data, "", 0)]
    while stack:
        node, key, depth = stack.pop()
        if depth > MAX_NESTING:
            return InputError(
                Text("imbrication trop profonde", "nested too deeply"),
                source=source,
                key=key or None,
                expected=Text(
                    f"au plus {MAX_NESTING} niveaux de tableaux et de tables",
                    f"at most {MAX_NESTING} levels of arrays and tables",
                ),
            )
        if isinstance(node, dict):
            stack.extend((v, f"{key}.{k}" if key else str(k), depth + 1) for k, v in node.items())
        elif isinstance(node, list):
            stack.extend((v, f"{key}[{i}]", depth + 1) for i, v in enumerate(node))
    return None


def read_toml(path: str | Path) -> dict[str, Any]:
    """Read a TOML file, turning every I/O, encoding and syntax problem into an :class:`InputError`.

    Also refused, with the file named: arrays or tables nested deeper than :data:`MAX_NESTING`, and
    integers longer than Python converts (4,300 digits).
    """
    text = read_text(path, expected=Text("un fichier TOML existant", "an existing TOML file"))
    try:
        data = tomllib.loads(text)
    except RecursionError:
        raise InputError(
            Text("imbrication trop profonde", "nested too deeply"),
            source=Path(path),
            expected=Text(
                f"au plus {MAX_NESTING} niveaux de tableaux et de tables",
                f"at most {MAX_NESTING} levels of arrays and tables",
            ),
        ) from None
    except ValueError as exc:
        if isinstance(exc, tomllib.TOMLDecodeError):
            raise _toml_syntax_error(exc, Path(path)) from None
        raise InputError(  # int() refuses integers of more than 4,300 digits
            Text("nombre trop long", "number too long"),
            source=Path(path),
            expected=Text("un nombre de moins de 4 300 chiffres", "a number under 4,300 digits"),
        ) from None
    problem = nesting_problem(data, source=Path(path))
    if problem is not None:
        raise problem
    return data


def _toml_syntax_error(exc: tomllib.TOMLDecodeError, path: Path) -> InputError:
    message = str(exc)
    line, column = _toml_position(message)
    detail = re.sub(r"\s*\(at line \d+, column \d+\)", "", message)
    return InputError(
        Text(f"TOML invalide : {detail}", f"invalid TOML: {detail}"),
        source=path,
        line=line,
        column=column,
    )


def read_yaml(path: str | Path) -> Any:
    """Read a YAML file (``pip install 'partenariat[yaml]'``), with the line of a syntax error."""
    try:
        import yaml
    except ImportError:  # pragma: no cover - depends on the environment
        raise InputError(
            Text(
                "les fichiers YAML demandent PyYAML : pip install 'partenariat[yaml]'",
                "YAML files need PyYAML: pip install 'partenariat[yaml]'",
            ),
            source=Path(path),
        ) from None
    text = read_text(path, expected=Text("un fichier YAML existant", "an existing YAML file"))
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(
            Text(f"YAML invalide : {exc}", f"invalid YAML: {exc}"),
            source=Path(path),
            line=mark.line + 1 if mark is not None else None,
            column=mark.column + 1 if mark is not None else None,
        ) from None


__all__ = ["MAX_NESTING", "nesting_problem", "position", "read_text", "read_toml", "read_yaml"]
