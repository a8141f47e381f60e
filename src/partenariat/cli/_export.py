"""Export options shared by the commands: ``--format``, ``--sortie`` and ``--ecraser``.

The formats a command offers are the exporters the plugin host knows for its subject
(``host.exporters(subject)``), plus the command's own screen formats (``text``, ``table``). They
are checked after parsing, not by a :class:`click.Choice`: building the choices would load every
plugin, and ``COMMAND --help`` must stay fast; the help lists the built-in formats and points to
``partenariat formats``.

Every file a command writes goes through :func:`atomic_output`: the bytes go to a temporary file
in the target's folder, renamed over the target once complete, so that a reader never sees half a
file and a failure leaves nothing behind. An existing file is replaced only with ``--ecraser``.
"""

from __future__ import annotations

import codecs
import contextlib
import io
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import click

from partenariat.cli._common import EXIT_INVALID, CliState

if TYPE_CHECKING:
    from partenariat.exporters import Exporter

F = Callable[..., Any]


class OutputFileError(click.ClickException):
    """A file the command was asked to write cannot be written, or exists without ``--ecraser``.

    :param path: the target file.
    :param reason: why, in the output language.
    """

    exit_code = EXIT_INVALID

    def __init__(self, path: Path, reason: str, message: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(message)

    def show(self, file: IO[Any] | None = None) -> None:
        """Print the message alone (it is a full sentence naming the file)."""
        click.echo(self.format_message(), file=file, err=file is None)


class TextSink(io.RawIOBase):
    """A binary stream that writes what it receives, decoded as UTF-8, to a text stream.

    For streaming an export to standard output through its escaping (see
    :mod:`partenariat.cli._output`); a leading byte-order mark is dropped (it is for files).
    """

    def __init__(self, text: IO[str]) -> None:
        super().__init__()
        self._text = text
        self._decoder = codecs.getincrementaldecoder("utf-8-sig")()

    def writable(self) -> bool:
        """Always writable."""
        return True

    def write(self, data: Any) -> int:
        """Decode ``data`` and write it on; return its length."""
        chunk = bytes(data)
        self._text.write(self._decoder.decode(chunk))
        return len(chunk)


def format_option(builtin: Iterable[str], default: str | None) -> Callable[[F], F]:
    """``--format``: any format the host knows for the command's subject (checked after parsing).

    :param builtin: the formats shipped with partenariat, for the help text.
    :param default: the format when none is given.
    """
    names = ", ".join(builtin)
    return click.option(
        "--format",
        "fmt",
        default=default,
        show_default=default is not None,
        metavar="FORMAT",
        help=f"Format de sortie : {names}, ou ceux des extensions (partenariat formats). "
        f"/ Output format: {names}, or a plugin's (partenariat formats).",
    )


def output_options(function: F) -> F:
    """``--sortie FILE`` and ``--ecraser``: where to write, and whether to replace a file."""
    function = click.option(
        "--ecraser",
        "--overwrite",
        "overwrite",
        is_flag=True,
        default=False,
        help="Remplacer le fichier de sortie s'il existe. / Replace the output file if it exists.",
    )(function)
    return click.option(
        "--sortie",
        "--output",
        "output",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Écrire dans ce fichier (écrit en entier ou pas du tout). / Write to this file.",
    )(function)


def choose_exporter(
    state: CliState, subject: str, name: str, *, own: Iterable[str] = ()
) -> Exporter | None:
    """Return the exporter ``name`` of ``subject``, or ``None`` for one of the command's ``own``.

    :raises UnknownNameError: no such format; the message lists the available ones.
    """
    if name in own:
        return None
    exporters = state.host.exporters(subject)
    found = exporters.get((subject, name))
    if found is None:
        from partenariat.errors import UnknownNameError
        from partenariat.i18n import Text

        raise UnknownNameError(
            Text(f"format de sortie ({subject})", f"output format ({subject})"),
            name,
            [*own, *(n for _, n in exporters)],
        )
    return found


def pseudonym_key() -> bytes | None:
    """The pseudonym key the environment gives (read here, at the edge), or ``None``.

    :raises PseudonymKeyError: a key too short, or a key file that cannot be read.
    """
    from partenariat.exporters.pseudonyms import load_pseudonym_key

    return load_pseudonym_key(os.environ)


def _refuse(state: CliState, path: Path, fr: str, en: str) -> OutputFileError:
    return OutputFileError(
        path,
        en if state.lang == "en" else fr,
        f"cannot write {path}: {en}"
        if state.lang == "en"
        else f"impossible d'écrire {path} : {fr}",
    )


@contextlib.contextmanager
def atomic_output(state: CliState, path: Path, *, overwrite: bool) -> Iterator[IO[bytes]]:
    """Yield a binary stream whose bytes replace ``path`` only if the block completes.

    The stream is a temporary file in ``path``'s folder (a rename within one file system is
    atomic); on any error it is removed and ``path`` is left as it was.

    :raises OutputFileError: ``path`` exists and ``overwrite`` is false, or it cannot be written.
    """
    if path.is_dir():
        raise _refuse(state, path, "c'est un dossier", "it is a folder")
    if path.exists() and not overwrite:
        raise _refuse(
            state,
            path,
            "le fichier existe déjà (--ecraser pour le remplacer)",
            "the file already exists (--overwrite to replace it)",
        )
    folder = path.parent
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise _refuse(state, path, reason, reason) from exc
    try:
        with os.fdopen(handle, "wb") as out:
            yield out
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp's 0600 is not what a plain write gives
        os.replace(temporary, path)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise _refuse(state, path, reason, reason) from exc
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_output(state: CliState, path: Path, data: bytes, *, overwrite: bool) -> None:
    """Write ``data`` to ``path`` through :func:`atomic_output`."""
    with atomic_output(state, path, overwrite=overwrite) as out:
        out.write(data)


def emit(
    state: CliState,
    data: bytes,
    output: Path | None,
    *,
    overwrite: bool,
    written: tuple[str, str] | None = None,
) -> None:
    """Print ``data`` (text) or write it to ``output``, then say where it went.

    :param written: ``(fr, en)`` message prefixes printed with the file's name after a write.
    """
    if output is None:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise click.UsageError(
                "this format is binary: write it to a file with --output FILE"
                if state.lang == "en"
                else "ce format est binaire : écrivez-le dans un fichier avec --sortie FICHIER"
            ) from None
        click.echo(text, nl=False)
        return
    write_output(state, output, data, overwrite=overwrite)
    fr, en = written or ("Écrit dans", "Written to")
    state.say(f"{fr} {output}", f"{en} {output}")


__all__ = [
    "OutputFileError",
    "TextSink",
    "atomic_output",
    "choose_exporter",
    "emit",
    "format_option",
    "output_options",
    "pseudonym_key",
    "write_output",
]
