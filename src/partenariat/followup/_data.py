"""The cattrs converter for the JSON payloads of journal events (dates as ISO 8601 text)."""

from __future__ import annotations

from cattrs.preconf.json import make_converter

DATA = make_converter()
"""Structures and unstructures the follow-up types stored inside event payloads."""
