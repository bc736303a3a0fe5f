"""Errors the user can fix: bad input, each problem with where it is and how to fix it.

Every command turns an :class:`InputError` into a message and exit code 2, never a
traceback. A problem names the file, the line and column when known, the dotted field
path, what is wrong, and a hint.
"""

from __future__ import annotations

from dataclasses import dataclass


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
        return (": ".join(parts) + ": " if parts else "") + self.message


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
        """The problems as lines of text, one per problem."""
        n = len(self.problems)
        head = "1 problem" if n == 1 else f"{n} problems"
        return head + ":\n" + "\n".join(f"  - {p}" for p in self.problems)
