"""The example conventions and inputs that ship with partenariat.

Two conventions that represent real partnerships with invented names (Onet-le-Château × Mission
Locale de l'Aveyron, Six-Fours-les-Plages × Pôle Emploi), an invented cohort, and a cut-out of the
official QPV perimeters (Licence Ouverte 2.0, provenance in ``qpv/README.md``). They live in the
repository's ``examples/`` folder and are copied into the wheel as package data, so that::

    from partenariat.examples import example_path

    example_path("onet-le-chateau-mission-locale.toml")

works the same from a source checkout and from an installed package, in any folder.
"""

from __future__ import annotations

from pathlib import Path

from partenariat.errors import InputError
from partenariat.i18n import Text

_MARKER = "onet-le-chateau-mission-locale.toml"
_HERE = Path(__file__).resolve().parent
_CANDIDATES = (
    _HERE / "_examples",  # an installed wheel: package data
    _HERE.parent.parent / "examples",  # a source checkout or an editable install
)


def examples_dir() -> Path:
    """Return the folder of the bundled examples.

    :raises InputError: the package was installed without its examples (a broken build).
    """
    for folder in _CANDIDATES:
        if (folder / _MARKER).is_file():
            return folder
    raise InputError(
        Text(
            "les exemples de partenariat sont introuvables (installation incomplète)",
            "partenariat's examples cannot be found (incomplete installation)",
        ),
        found=", ".join(str(c) for c in _CANDIDATES),
        expected=Text(f"un dossier contenant {_MARKER}", f"a folder holding {_MARKER}"),
    )


def example_names() -> tuple[str, ...]:
    """Return the names of the bundled example files, ``qpv/…`` included, sorted."""
    root = examples_dir()
    return tuple(
        sorted(
            p.relative_to(root).as_posix()
            for p in root.rglob("*")
            if p.is_file() and p.suffix in {".toml", ".csv", ".geojson"}
        )
    )


def example_path(name: str) -> Path:
    """Return the path of the bundled example ``name`` (e.g. ``"cohorte-onet.csv"``).

    :raises InputError: there is no such example; the message lists the available ones.
    """
    path = examples_dir() / name
    if not path.is_file():
        raise InputError(
            Text(f"exemple inconnu : {name}", f"unknown example: {name}"),
            found=name,
            expected=Text(
                "un de : " + ", ".join(example_names()), "one of: " + ", ".join(example_names())
            ),
        )
    return path
