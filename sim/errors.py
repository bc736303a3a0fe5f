"""Errors the user can fix: bad input, each problem with where it is and how to fix it.

Every command turns an :class:`InputError` into a message and exit code 2, never a
traceback. A problem names the file, the line and column when known, the dotted field
path, what is wrong, and a hint.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

#: At most this many problems are listed; the rest are counted (a list of 10,000 bad
#: partners should not bury the first mistake under pages of the same one).
MAX_SHOWN = 20

#: Unicode categories of characters that are not shown as themselves: control, format
#: (bidi marks, zero-width characters, the byte-order mark), surrogates, line and
#: paragraph separators.
INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def literal(text: str) -> str:
    r"""``text`` with every invisible character written as ``\uXXXX``, for messages.

    A message quotes what the user wrote; a newline or an ANSI escape in it must not
    break the message's line or recolour the terminal.
    """
    if all(unicodedata.category(c) not in INVISIBLE for c in text):
        return text
    return "".join(
        c if unicodedata.category(c) not in INVISIBLE else f"\\u{ord(c):04x}" for c in text
    )


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input.

    Attributes:
        message: what is wrong, and how to fix it when we can tell.
        path: dotted field path in the scenario (``partners.0.veto.tolerance``), or "".
        file: the file it is in, or "".
        line: 1-based line, or 0 when unknown.
        column: 1-based column, or 0 when unknown.
    """

    message: str
    path: str = ""
    file: str = ""
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        where = self.file
        if self.line:
            where += f":{self.line}:{self.column}"
        parts = [p for p in (where, self.path) if p]
        return literal((": ".join(parts) + ": " if parts else "") + self.message)


class InputError(Exception):
    """Bad input: one or more problems a user can fix."""

    def __init__(self, problems: list[Problem] | Problem | str):
        if isinstance(problems, str):
            problems = [Problem(problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems = problems
        super().__init__(self.render())

    def render(self) -> str:
        """The problems as lines of text, one per problem (the first :data:`MAX_SHOWN`)."""
        n = len(self.problems)
        head = "1 problem" if n == 1 else f"{n} problems"
        lines = [f"  - {p}" for p in self.problems[:MAX_SHOWN]]
        if n > MAX_SHOWN:
            lines.append(f"  ... and {n - MAX_SHOWN} more (fix these first)")
        return head + ":\n" + "\n".join(lines)


def did_you_mean(name: object, known: Iterable[str]) -> str:
    """A "did you mean" hint for a misspelt name, or "" when nothing is close.

    Case is ignored first (``softbank`` -> ``SoftBank``), then spelling is compared.

    Args:
        name: what the user wrote.
        known: the names allowed there.

    Returns:
        ``"; did you mean 'X'?"`` or "".
    """
    text = str(name)
    choices = list(dict.fromkeys(known))
    by_lower = {c.lower(): c for c in choices}
    if text.lower() in by_lower and by_lower[text.lower()] != text:
        return f"; did you mean '{by_lower[text.lower()]}'? (names are case-sensitive)"
    close = difflib.get_close_matches(text.lower(), list(by_lower), n=1, cutoff=0.6)
    return f"; did you mean '{by_lower[close[0]]}'?" if close else ""
