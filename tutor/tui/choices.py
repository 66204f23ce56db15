"""The themes and sandbox presets the tutor offers, by the names the learner sees.

Apart from the command palette's entries (`tutor.tui.commands`, loaded when the palette
first opens): the app's theme and the picker's sandbox lines need them before the first paint.
"""

THEMES = {"dark": "textual-dark", "light": "textual-light"}
SANDBOXES = {"mazur": "the 2-2-2 worked example", "xor": "XOR, a 2-3-1 sigmoid network"}
