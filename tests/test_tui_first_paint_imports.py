"""`backprop-tutor tui` paints its picker before it loads what the picker does not yet show.

Each browser tab of the class server (`serve`) is such a start, and so is every learner's: a
module loaded before the first paint is compiled (where no bytecode is written) and run before
the learner sees anything. The lessons, their model and loader, the palette's commands, a
lesson's progress model and the `lessons` command's listing code all load after it.
"""

from __future__ import annotations

import os

from tests import forked_probe

# Runs `python -m tutor tui` with Textual's headless driver (as served: no terminal needed);
# at the picker's first painted frame, prints every module loaded so far and stops there.
PROBE = (
    "import os, sys\n"
    "os.environ['TEXTUAL_DRIVER'] = 'textual.drivers.headless_driver:HeadlessDriver'\n"
    "from textual.app import App\n"
    "display = App._display\n"
    "def first_paint(self, screen, renderable):\n"
    "    display(self, screen, renderable)\n"
    "    if renderable is not None and type(screen).__name__ == 'PickerScreen':\n"
    "        print('PAINTED=' + ' '.join(sorted(sys.modules)), flush=True)\n"
    "        os._exit(0)\n"
    "App._display = first_paint\n"
    "from tutor.cli import main\n"
    "main(['tui'])\n"
)

NOT_BEFORE_THE_FIRST_PAINT = {
    "tutor.lessons.loader",  # the lessons are read by the picker's worker, after the paint
    "tutor.lessons.model",
    "tomllib",
    "tutor.tui.data",
    "tutor.engine",
    "tutor.tui.commands",  # the palette's provider: loaded when the palette opens
    "tutor.lessons.lesson_progress",  # a lesson's progress: with the lessons
    "tutor.cli.lessons_cmd",  # `tui` checks --lessons with tutor.cli.lessons_option alone
    "json",  # no settings file yet on a first start: nothing to parse
    "sympy",
}


def test_the_picker_paints_before_the_lessons_palette_and_progress_load(tmp_path):
    env = dict(os.environ, BACKPROP_TUTOR_DATA=str(tmp_path / "fresh"))
    result = forked_probe.run(PROBE, env=env, check=True)
    line = [x for x in result.stdout.splitlines() if x.startswith("PAINTED=")]
    assert line, result.stderr  # the picker painted
    modules = set(line[-1].removeprefix("PAINTED=").split())
    assert {"tutor.tui.screens.picker", "tutor.lessons.progress_store"} <= modules
    assert modules & NOT_BEFORE_THE_FIRST_PAINT == set()


def test_the_palette_still_gets_the_tutors_commands():
    from tutor.tui.app import TutorApp
    from tutor.tui.commands import TutorCommands

    loaders = [p for p in TutorApp.COMMANDS if getattr(p, "__module__", "") == "tutor.tui.app"]
    assert [load() for load in loaders] == [TutorCommands]
