"""The bilan as a person reads it: Markdown, JSON against its schema, HTML, PDF, a browser."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from partenariat.bilan import Bilan
from partenariat.conventions import Convention
from partenariat.exporters import ExportContext
from partenariat.exporters.schemas import schema
from partenariat.followup.simulation import SimulationResult
from partenariat.followup.sqlite import SqliteStore
from partenariat.plugins import make_plugin_host

from .conftest import ML_TAXONOMY, TODAY


@pytest.fixture(scope="module")
def bilan(onet: Convention, onet_year: SimulationResult) -> Bilan:
    assert onet.period.end is not None
    with SqliteStore.open(onet_year.path) as store:
        return Bilan.compute(
            onet, store, onet.period.start, onet.period.end, today=TODAY, taxonomy=ML_TAXONOMY
        )


def _write(bilan: Bilan, name: str) -> bytes:
    exporter = make_plugin_host().exporters("bilan")[("bilan", name)]
    return exporter.write(bilan, ExportContext())


def test_the_formats_come_through_the_exporter_hook() -> None:
    names = {name for _, name in make_plugin_host().exporters("bilan")}
    assert {"markdown", "json", "html", "pdf"} <= names


def test_markdown_shows_targets_criteria_and_hidden_counts(bilan: Bilan) -> None:
    text = _write(bilan, "markdown").decode("utf-8")
    assert "## Critères du renouvellement" in text
    assert "928" in text
    assert str(bilan.people_followed) in text
    assert "< 5" in text
    assert "Renouveler\u202f:" in text  # French typography: thin space before the colon


def test_json_follows_its_shipped_schema(bilan: Bilan) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    document = json.loads(_write(bilan, "json"))
    validator = jsonschema.Draft202012Validator(
        schema("bilan"), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    assert not list(validator.iter_errors(document))
    assert document["recommendation"] == "renouveler"
    assert {"masque": True, "seuil": 5} in [m["referrals"] for m in document["months"]]


def test_no_name_or_identifier_of_a_person_is_in_any_format(
    bilan: Bilan, onet_year: SimulationResult
) -> None:
    with SqliteStore.open(onet_year.path) as store:
        people = {e.data["person"] for e in store.iter_events() if "person" in e.data}
        files = set(store.file_ids())
    assert people
    for name in ("markdown", "json", "html"):
        text = _write(bilan, name).decode("utf-8")
        assert not [p for p in people | files if re.search(rf"\b{re.escape(p)}\b", text)]


def test_the_html_parses_and_pairs_each_chart_with_its_table(bilan: Bilan) -> None:
    html5lib = pytest.importorskip("html5lib")
    pytest.importorskip("matplotlib")
    text = _write(bilan, "html").decode("utf-8")
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    document = parser.parse(text)
    assert document.get("lang") == "fr"
    images = document.findall(".//img")
    assert images
    for image in images:
        assert image.get("alt")
        assert image.get("src", "").startswith("data:image/svg+xml;base64,")
    for pair in document.findall(".//div[@class='pair']"):
        assert pair.find("figure") is not None and pair.find("table") is not None
    assert all(t.find("caption") is not None for t in document.findall(".//table"))
    assert document.findall(".//th[@scope='col']")
    assert "http://" not in text.replace("http://www.w3.org", "")  # nothing fetched from outside


def test_the_pdf_is_a4_and_its_text_holds_the_figures(bilan: Bilan) -> None:
    pytest.importorskip("weasyprint")
    pypdf = pytest.importorskip("pypdf")
    from io import BytesIO

    reader = pypdf.PdfReader(BytesIO(_write(bilan, "pdf")))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Critères du renouvellement" in text
    assert "928" in text
    assert str(bilan.people_followed) in text
    assert "1er septembre 2019" in text
    assert "« bilan positif du dispositif »".replace(" ", "") in text.replace(" ", "").replace(
        "\u202f", ""
    )


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def test_a_browser_renders_the_html_without_errors(bilan: Bilan, tmp_path: Path) -> None:
    browser = _chromium()
    if browser is None:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is needed under CI (apt-get install -y chromium)")
        pytest.skip("chromium is not installed (apt-get install -y chromium)")
    pytest.importorskip("matplotlib")
    page = tmp_path / "bilan.html"
    page.write_bytes(_write(bilan, "html"))
    shot = tmp_path / "bilan.png"
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"]
    subprocess.run(
        [browser, *flags, f"--screenshot={shot}", "--window-size=1024,1400", page.as_uri()],
        check=True,
        capture_output=True,
        timeout=120,
    )
    png = shot.read_bytes()
    assert png.startswith(b"\x89PNG")
    # a blank page compresses to almost nothing; text, tables and bars do not
    assert len(png) > 20_000
    logged = subprocess.run(
        [browser, *flags, "--enable-logging=stderr", "--v=0", "--dump-dom", page.as_uri()],
        check=True,
        capture_output=True,
        timeout=120,
        text=True,
    )
    assert "Critères du renouvellement" in logged.stdout
    assert "CONSOLE" not in logged.stderr
