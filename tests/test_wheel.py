"""The wheel carries the lessons as tutor/_lessons, and an installed tutor finds them there."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_contains_the_lessons_and_lessons_dir_finds_them(tmp_path):
    out = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "-o", str(out)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    (wheel,) = out.glob("backprop_tutor-*.whl")
    lessons = sorted(p.relative_to(ROOT / "lessons") for p in (ROOT / "lessons").rglob("*.*"))
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        for lesson in lessons:
            assert f"tutor/_lessons/{lesson.as_posix()}" in names
        assert "tutor/cli/trace_cmd.py" in names and "tutor/export/latex.py" in names
        # Data files the installed tutor reads: the shipped MNIST subset and the TUI's stylesheets.
        shipped = sorted(p.name for p in (ROOT / "tutor" / "mnist" / "shipped").glob("*.npz"))
        assert shipped and all(f"tutor/mnist/shipped/{name}" in names for name in shipped)
        assert {"tutor/tui/app.tcss", "tutor/tui/lesson.tcss", "tutor/tui/sandbox.tcss"} <= names
        assert "tutor/web/templates/app_index.html" in names  # serve's page
        # The MNIST subset ships inside the package, with its source and licence beside it.
        assert {"tutor/mnist/shipped/mnist_5k.npz", "tutor/mnist/shipped/README.md"} <= names
        site = tmp_path / "site"
        archive.extractall(site)
    # An installed layout: import tutor from the unpacked wheel, not from the checkout.
    probe = (
        "import json, tutor, tutor.paths\n"
        "print(tutor.__file__)\n"
        "print(tutor.paths.lessons_dir())\n"
        "print(json.dumps(sorted(p.name for p in tutor.paths.lessons_dir().iterdir())))\n"
        "from tutor.mnist.subset import load_subset\n"
        "print(load_subset()[0].shape)\n"
    )
    result = subprocess.run(
        [sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(site)!r})\n" + probe],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    package_file, lessons_dir, listing, subset_shape = result.stdout.splitlines()
    assert subset_shape == "(5000, 784)"
    assert Path(package_file).is_relative_to(site)
    assert Path(lessons_dir) == site / "tutor" / "_lessons"
    assert json.loads(listing) == sorted({p.parts[0] for p in lessons})
