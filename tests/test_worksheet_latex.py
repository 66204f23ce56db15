"""The LaTeX worksheets and keys compile with pdflatex (skipped where pdflatex is absent)."""

from __future__ import annotations

import gzip
import shutil
import subprocess
from pathlib import Path

import pytest

from tutor.cli import main

ROOT = Path(__file__).resolve().parent.parent
PDFLATEX = shutil.which("pdflatex")
pytestmark = pytest.mark.skipif(
    PDFLATEX is None, reason="pdflatex is not installed (texlive is not installed in CI)"
)

SHEETS = {
    "student-worksheet": ["worksheet", "--student", "alice_01", "--format", "tex"],
    "student-key": ["worksheet", "--student", "alice_01", "--format", "tex", "--answers"],
    "student-2-3-1-worksheet": [
        "worksheet",
        "--student",
        "b",
        "--shape",
        "2-3-1",
        "--format",
        "tex",
    ],
}
# Every built-in lesson, as a worksheet and as its key (their prose holds σ, η, ∂, …).
for _lesson in sorted(p.stem.split("-", 1)[1] for p in (ROOT / "lessons").glob("*.toml")):
    for _mode in ("blanks", "answers"):
        SHEETS[f"lesson-{_lesson}-{_mode}"] = ["run", _lesson, f"--{_mode}", "--format", "tex"]


@pytest.fixture(scope="module")
def format_options(tmp_path_factory) -> list[str]:
    """pdflatex's own format, stored uncompressed: `-fmt=` options that load it, or none.

    TeX Live gzips its formats, and inflating pdflatex.fmt (6.5 MB into 18 MB) was 60 % of each
    run's CPU here (~0.09 of ~0.21 s, `perf`). pdftex reads a format through zlib, which reads an
    uncompressed file as it is: the same format, the same bytes once inflated, so every document
    still compiles as itself (the PDFs compared byte for byte, `SOURCE_DATE_EPOCH` fixed).
    Where the format cannot be found or is not gzipped, pdflatex finds its own as usual.
    """
    kpsewhich = shutil.which("kpsewhich")
    if kpsewhich is None:
        return []
    found = subprocess.run(
        [kpsewhich, "-engine=pdftex", "pdflatex.fmt"], capture_output=True, text=True
    ).stdout.strip()
    stored = Path(found).read_bytes() if found else b""
    if stored[:2] != b"\x1f\x8b":  # gzip's magic number
        return []
    folder = tmp_path_factory.mktemp("format")
    (folder / "pdflatex.fmt").write_bytes(gzip.decompress(stored))
    return [f"-fmt={folder / 'pdflatex'}"]


def compile_pdf(source: Path, options: list[str]) -> None:
    """pdflatex on `source` in its own folder, with `options`; fails with the log's end."""
    result = subprocess.run(
        [PDFLATEX, *options, "-interaction=nonstopmode", "-halt-on-error", source.name],
        cwd=source.parent,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout[-2000:]


@pytest.mark.parametrize("name", SHEETS)
def test_compiles_with_pdflatex(tmp_path, name, format_options):
    source = tmp_path / f"{name}.tex"
    assert main([*SHEETS[name], "-o", str(source)]) == 0
    compile_pdf(source, format_options)
    assert (tmp_path / f"{name}.pdf").stat().st_size > 1000


def test_the_uncompressed_format_makes_the_same_pdf(tmp_path, format_options, monkeypatch):
    """What `format_options` loads is pdflatex's own format: the same document, the same PDF."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # no dates or ids from the clock
    monkeypatch.setenv("FORCE_SOURCE_DATE", "1")
    source = tmp_path / "sheet.tex"
    assert main([*SHEETS["student-worksheet"], "-o", str(source)]) == 0
    pdfs = []
    for options in ([], format_options):
        folder = tmp_path / f"options-{len(pdfs)}"
        folder.mkdir()
        shutil.copy(source, folder)
        compile_pdf(folder / source.name, options)
        pdfs.append((folder / "sheet.pdf").read_bytes())
    assert pdfs[0] == pdfs[1]
