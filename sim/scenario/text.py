"""Text a scenario gives the reports: names and titles, checked so they show as written.

Names (of partners, investors, the state funder, issue kinds and dimensions) appear in
console tables, plot legends, CSV column names, results folders and traces; titles and
the description appear in reports and traces. So a name is one line of visible text: no
control characters (newline, tab, NUL, the ANSI escape that recolours a terminal), no
invisible formatting characters (right-to-left and other bidi marks reorder what a
reader sees; zero-width joiners make two different names look alike), no path
separators and no spaces at either end. Titles follow the same rule except that they may
hold ``/`` and inner spaces; the description may also hold newlines and tabs.

Console markup (``[bold]``), Markdown and HTML characters are allowed: they are ordinary
characters in a name ("AT&T", "R[&]D"), and every place that prints text escapes them.
"""

from __future__ import annotations

import unicodedata
from typing import Annotated

from pydantic import AfterValidator, Field

from sim.errors import INVISIBLE

PATH_SEPARATORS = "/\\"


def describe(char: str) -> str:
    """A character as a message names it: ``U+200F (RIGHT-TO-LEFT MARK)``."""
    code = f"U+{ord(char):04X}"
    name = unicodedata.name(char, "")
    if not name and char in "\n\r\t\0\x1b":
        name = {"\n": "newline", "\r": "carriage return", "\t": "tab", "\0": "NUL"}.get(
            char, "escape"
        )
    return f"{code} ({name})" if name else code


def text_problem(text: str, *, lines: bool = False, separators: bool = True) -> str | None:
    r"""What makes ``text`` unfit to be shown as written, or None.

    Args:
        text: the text.
        lines: newlines and tabs are allowed (a description).
        separators: ``/`` and ``\`` are allowed (titles; not names, which become file
            and column names).

    Returns:
        A message saying which character, where, and what to do; None when the text is fine.
    """
    for i, c in enumerate(text, start=1):
        if lines and c in "\n\t":
            continue
        if unicodedata.category(c) in INVISIBLE:
            what = (
                "a line break"
                if c in "\n\r\x0b\x0c\x85\u2028\u2029"
                else "an invisible formatting character that can make text read differently "
                "from what it is"
                if unicodedata.category(c) == "Cf"
                else "a control character"
            )
            fix = "write it on one line" if what == "a line break" else "remove it"
            return f"holds {describe(c)} at character {i}, {what}; {fix}"
        if not separators and c in PATH_SEPARATORS:
            return (
                f"holds '{c}' at character {i}; names become file and column names, so they "
                "cannot hold / or \\: use another character such as '-'"
            )
    return None


def _name(value: str) -> str:
    problem = text_problem(value, separators=False)
    if problem is None and value != value.strip():
        problem = "starts or ends with a space; remove it (a name must look like itself)"
    if problem:
        raise ValueError(problem)
    return value


def _title(value: str) -> str:
    problem = text_problem(value)
    if problem:
        raise ValueError(problem)
    return value


def _prose(value: str) -> str:
    problem = text_problem(value, lines=True)
    if problem:
        raise ValueError(problem)
    return value


#: A name: 1 to 80 characters of one line of visible text, no path separators.
Name = Annotated[str, Field(min_length=1, max_length=80), AfterValidator(_name)]
#: A title or label: one line of visible text.
Title = Annotated[str, AfterValidator(_title)]
#: Free text over several lines (a description): visible text, newlines and tabs.
Prose = Annotated[str, AfterValidator(_prose)]
