"""Every registered activation under every loss, shown in the TUI (issue 10's last registry walk).

`tests/test_activation_registry.py` sends each (activation, loss) pair through trace, derive and
check; here the same networks open in a teacher's lesson and the lesson screen shows a hidden
output and a hidden weight's gradient. The numbers on screen are compared with the engine's
fast path (forward cache and `Network.gradients`), not with the trace the screen reads.
"""

from __future__ import annotations

import re

import numpy as np

from tests.test_activation_registry import CASES, _network_file
from tests.tui.snapshot_app import folder_app, open_listed_lesson
from tests.tui.test_pilot import text_of
from tutor.engine.netfile import load_network_file
from tutor.engine.network import Cache
from tutor.tui.screens.lesson import LessonScreen

SHOWN = ("out_h1", "dE_total/dw1")


def _lesson_folder(tmp_path):
    """One lesson, one reveal step per case, each on its own network file."""
    folder = tmp_path / "lessons"
    nets = folder / "nets"
    nets.mkdir(parents=True)
    steps = []
    for index, (activation, loss_name) in enumerate(CASES):
        case_dir = tmp_path / f"case{index}"
        case_dir.mkdir()
        path = _network_file(case_dir, activation, loss_name)
        (nets / f"case{index}.toml").write_text(path.read_text(encoding="utf-8"), "utf-8")
        steps.append(
            f'[[steps]]\nkind = "reveal"\ntitle = "{activation} under {loss_name}"\n'
            f'network = "nets/case{index}.toml"\nnames = {list(SHOWN)!r}\n'.replace("'", '"')
        )
    header = 'id = "registry-walk"\ntitle = "Every activation"\nsummary = "s"\norder = 1\n\n'
    (folder / "01-registry-walk.toml").write_text(header + "\n".join(steps), encoding="utf-8")
    return folder


def _fast_values(path) -> dict[str, float]:
    """out_h1 and dE_total/dw1 by the engine's fast path (no trace)."""
    example = load_network_file(path)
    net, x, t = example.network, np.atleast_2d(example.x), np.atleast_2d(example.target)
    cache = Cache()
    net.forward(x, cache)
    out_h1 = float(cache.outs[0][0, 0])
    _, grads = net.gradients(x, t, example.loss)
    return {"out_h1": out_h1, "dE_total/dw1": float(grads.dW[0][0, 0])}


def _shown_value(values_text: str, name: str) -> float:
    """The number the values panel gives for `name` (the last number on its line)."""
    for line in values_text.splitlines():
        if line.strip().startswith(name + " ") or line.strip().startswith(name + "="):
            return float(re.findall(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?", line)[-1])
    raise AssertionError(f"{name} is not in the values panel:\n{values_text}")


async def test_every_activation_and_loss_is_shown_with_the_engines_numbers(tmp_path, private_data):
    folder = _lesson_folder(tmp_path)
    app = folder_app(folder, private_data)
    seen: set[tuple[str, str]] = set()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_listed_lesson(pilot)
        assert isinstance(screen, LessonScreen)
        for index, case in enumerate(CASES):
            expected = _fast_values(folder / "nets" / f"case{index}.toml")
            for name in SHOWN:
                await pilot.app.workers.wait_for_complete()
                await pilot.pause()
                assert screen.frame.step_index == index and screen.frame.name == name, case
                shown = _shown_value(text_of(app, "#values"), name)
                assert abs(shown - expected[name]) <= 5e-9 * max(1.0, abs(expected[name])), (
                    case,
                    name,
                    shown,
                    expected[name],
                )
                seen.add(case)
                await pilot.press("right")
    assert seen == set(CASES)
