r"""Terminal output that data cannot hijack.

Identifiers, names and file contents end up in what the command line prints. A control character
or an escape sequence among them would act on the user's terminal instead of being read (an
``ESC ] 0 ; … BEL`` retitles the window, a carriage return overwrites the start of a line, a bidi
override reorders it). While a command runs, its standard output and error go through
:class:`SafeStream`, which shows every such character escaped (``\\x1b``, ``\\r``, ``\\u202e``);
tab, line feed and the CRLF line ending of iCalendar and CSV pass as they are.

The only writer that needs the real terminal is a progress bar (it rewrites its line with ``\\r``
and hides the cursor): it is given :func:`terminal_stderr`, and prints nothing that comes from data
but its label.
"""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any, TextIO

_CONTROLS = (
    *range(0x00, 0x09),
    0x0B,
    0x0C,
    *range(0x0E, 0x20),
    0x7F,
    *range(0x80, 0xA0),
)
_BIDI = (*range(0x202A, 0x202F), *range(0x2066, 0x206A))
_TABLE = {c: f"\\x{c:02x}" for c in _CONTROLS} | {c: f"\\u{c:04x}" for c in _BIDI}
_LONE_CR = re.compile(r"\r(?!\n)")


def printable(text: str) -> str:
    """Return ``text`` with control characters and bidi overrides escaped (tab, LF, CRLF kept)."""
    escaped = text.translate(_TABLE)
    return _LONE_CR.sub(r"\\r", escaped) if "\r" in escaped else escaped


class SafeStream(io.TextIOBase):
    """A text stream that writes :func:`printable` text to the stream it wraps."""

    def __init__(self, inner: IO[str]) -> None:
        self.inner = inner
        """The wrapped stream."""

    def write(self, s: str) -> int:
        """Write ``s``, escaped; return the length of ``s`` (what the caller asked to write)."""
        if not isinstance(s, str):
            raise TypeError(f"write() argument must be str, not {type(s).__name__}")
        self.inner.write(printable(s))
        return len(s)

    def flush(self) -> None:
        """Flush the wrapped stream."""
        self.inner.flush()

    def isatty(self) -> bool:
        """Whether the wrapped stream is a terminal."""
        return self.inner.isatty()

    def fileno(self) -> int:
        """The wrapped stream's file descriptor."""
        return self.inner.fileno()

    def writable(self) -> bool:
        """Always writable."""
        return True

    @property
    def encoding(self) -> str:  # type: ignore[override]
        """The wrapped stream's encoding."""
        return str(getattr(self.inner, "encoding", None) or "utf-8")

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        """The wrapped stream's error handler."""
        value: Any = getattr(self.inner, "errors", None)
        return value if isinstance(value, str) else None


@contextmanager
def safe_streams() -> Iterator[None]:
    """Route ``sys.stdout`` and ``sys.stderr`` through :class:`SafeStream` until the block ends."""
    out, err = sys.stdout, sys.stderr
    if isinstance(out, SafeStream):  # already inside (a command run from a command)
        yield
        return
    sys.stdout, sys.stderr = SafeStream(out), SafeStream(err)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = out, err


def terminal_stderr() -> TextIO:
    """The real standard error, for a progress bar (see the module's documentation)."""
    err = sys.stderr
    inner: Any = err.inner if isinstance(err, SafeStream) else err
    return inner  # type: ignore[no-any-return]
