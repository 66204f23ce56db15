"""Characters that must never reach a terminal or an export from a file: find them, escape them.

Text from a lesson, network or trace file is data. A control character in it could move the
cursor, clear the screen, set the window title or the clipboard (ESC sequences, OSC 0/52),
make a link (OSC 8) or reorder what the reader sees (Unicode bidi overrides). Loaders refuse
such text with an error naming the file, the field and the character (`find_control_char`,
`find_control_in`); anything echoed from the command line is printed escaped
(`escape_controls`). Newline and tab are ordinary text.
"""

from __future__ import annotations

import re
from typing import Any

# C0 controls except tab and newline, DEL, C1 controls (ESC is \x1b, CSI's 8-bit form \x9b),
# and the Unicode bidi embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069).
CONTROL_CHARS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def describe_char(char: str) -> str:
    """A character as an escape that is safe to print: `\\x1b`, `\\u202e`."""
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def find_control_char(text: str) -> tuple[int, str] | None:
    """(index, character) of the first refused character in `text`, or None."""
    match = CONTROL_CHARS.search(text)
    return (match.start(), match.group()) if match else None


def escape_controls(text: str) -> str:
    """`text` with every refused character written as its escape (`\\x1b`); the rest as is."""
    return CONTROL_CHARS.sub(lambda match: describe_char(match.group()), text)


def find_control_in(document: Any, base: int = 0) -> tuple[str, str] | None:
    """(field, escaped character) of the first refused character in a parsed document, or None.

    Walks dicts (keys and values) and lists without recursion (a deep document must not
    overflow the stack). `field` reads like the loaders' own: `steps[3].options[1].text`,
    list items counted from `base` (1 for lessons, 0 for network files).
    """
    stack: list[tuple[str, Any]] = [("", document)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, str):
            found = find_control_char(value)
            if found:
                return where or "(value)", describe_char(found[1])
        elif isinstance(value, dict):
            items = []
            for key, item in value.items():
                name = f"{where}.{key}" if where else str(key)
                found = find_control_char(str(key))
                if found:
                    return escape_controls(name) + " (the key)", describe_char(found[1])
                items.append((name, item))
            stack.extend(reversed(items))
        elif isinstance(value, list):
            stack.extend(
                (f"{where}[{k + base}]", item) for k, item in reversed(list(enumerate(value)))
            )
    return None


def control_message(char: str) -> str:
    """The refusal, the same in every loader."""
    return (
        f"control character {char} is not allowed in text "
        "(no control characters, escape sequences or bidi overrides; newline and tab are fine)"
    )
