"""Mutators for fuzzing: structured edits of text and JSON, hostile values, raw byte damage.

Each takes a :class:`random.Random`, so a seeded campaign and Hypothesis (``st.randoms()``) drive
the same code; see :mod:`partenariat.testing.fuzzing`.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable
from typing import Any

HOSTILE_VALUES: tuple[str, ...] = (
    "0",
    "-1",
    "2147483648",
    "1000000000",
    "9" * 25,
    "9" * 4301,
    "1e400",
    "-1e400",
    "nan",
    "inf",
    "Infinity",
    "NaN",
    "0001-01-01",
    "9999-12-31",
    "1900-02-29",
    "2023-02-29",
    '"0001-01-01 00:00"',
    '""',
    '" "',
    '"a\\r\\nb"',
    '"\\u001b]0;pwned\\u0007"',
    '"\\u0000"',
    '"=1+1"',
    '"𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🙂"',
    "[" * 3000 + "]" * 3000,
    "{}",
    "[]",
    "true",
    "{ a = 1 }",
    "[[1, 2], [3]]",
)
"""Values a mutator puts where a file has a value: bounds, overflows, odd types, control codes."""

_TOKEN_CHARS = frozenset("0123456789-.:+eE")


def mutate_text(rng: random.Random, text: str, *, rounds: int = 3) -> str:
    """Return ``text`` with a few structured mutations: line edits and hostile values."""
    lines = text.split("\n")
    for _ in range(rng.randint(1, rounds)):
        if not lines:
            lines = [""]
        op = rng.randrange(8)
        i = rng.randrange(len(lines))
        if op == 0:
            del lines[i]
        elif op == 1:
            lines.insert(i, lines[rng.randrange(len(lines))])
        elif op == 2:
            j = rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == 3:
            lines[i] = lines[i][: rng.randrange(len(lines[i]) + 1)]
        elif op in (4, 5):
            lines[i] = _replace_value(rng, lines[i])
        elif op == 6:
            lines.insert(i, rng.choice(("[x]", "[[permanences]]", "a = 1", "x.y.z = 2", ";;;")))
        else:
            lines[i] = _replace_separator(rng, lines[i])
    return "\n".join(lines)


def _replace_value(rng: random.Random, line: str) -> str:
    """Replace the value after ``=`` (TOML), or one cell (CSV), or a token, by a hostile value."""
    value = rng.choice(HOSTILE_VALUES)
    if "=" in line:
        key, _, _old = line.partition("=")
        return f"{key}= {value}"
    if ";" in line:
        cells = line.split(";")
        cells[rng.randrange(len(cells))] = value.strip('"')
        return ";".join(cells)
    if not line:
        return value
    start = rng.randrange(len(line))
    end = start
    while end < len(line) and line[end] in _TOKEN_CHARS:
        end += 1
    return line[:start] + value + line[max(end, start + 1) :]


def _replace_separator(rng: random.Random, line: str) -> str:
    for old, new in (("=", "=="), (";", ","), (",", ";"), ('"', ""), ("[", "")):
        if old in line and rng.random() < 0.5:
            return line.replace(old, new, 1)
    return line + rng.choice(("\\", '"', "'''", "\x00", "\r"))


def mutate_bytes(rng: random.Random, data: bytes, *, rounds: int = 4) -> bytes:
    """Return ``data`` with raw byte mutations: flips, invalid UTF-8, truncation, insertions."""
    buf = bytearray(data)
    for _ in range(rng.randint(1, rounds)):
        op = rng.randrange(6)
        pos = rng.randrange(len(buf) + 1)
        if op == 0 and buf:
            buf[min(pos, len(buf) - 1)] ^= 1 << rng.randrange(8)
        elif op == 1:
            buf[pos:pos] = rng.choice((b"\xff\xfe", b"\xc3", b"\x00", b"\xef\xbb\xbf", b"\r"))
        elif op == 2:
            del buf[pos:]
        elif op == 3 and buf:
            size = rng.randint(1, 64)
            buf[pos:pos] = bytes(rng.randrange(256) for _ in range(size))
        elif op == 4 and buf:
            end = min(len(buf), pos + rng.randint(1, 512))
            del buf[pos:end]
        else:
            buf[pos:pos] = buf[max(0, pos - 64) : pos]
    return bytes(buf)


def mutate_json(rng: random.Random, text: str) -> str:
    """Return a JSON document with one node replaced by a hostile value (NaN, huge, projected…)."""
    try:
        data = json.loads(text)
    except ValueError:
        return mutate_text(rng, text)
    hostile: list[Any] = [
        float("nan"),
        float("inf"),
        10**400,
        -(10**30),
        [[[]]],
        {},
        "x",
        None,
        True,
        [700000.0, 6600000.0],  # Lambert-93 metres where degrees are expected
        [[[-180.0, -90.0], [180.0, -90.0], [180.0, 90.0], [-180.0, 90.0], [-180.0, -90.0]]],
        [[[2.59, 44.36], [2.60, 44.36], [2.59, 44.36]]],
        "QP0120011",
    ]
    nodes: list[tuple[Any, Any]] = []

    def walk(node: Any, depth: int) -> None:
        if depth > 12:
            return
        items: Iterable[tuple[Any, Any]] = (
            node.items() if isinstance(node, dict) else enumerate(node)
        )
        for key, child in items:
            nodes.append((node, key))
            if isinstance(child, dict | list):
                walk(child, depth + 1)

    if isinstance(data, dict | list):
        walk(data, 0)
    if nodes:
        parent, key = rng.choice(nodes)
        parent[key] = rng.choice(hostile)
    elif rng.random() < 0.5:
        data = rng.choice(hostile)
    out = json.dumps(data, ensure_ascii=False)
    if rng.random() < 0.2:  # very deep nesting is refused by json.dumps' own recursion limit
        out = out.replace("[", "[" * 2000, 1).replace("]", "]" * 2000, 1)
    return out
