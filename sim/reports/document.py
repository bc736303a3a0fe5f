"""A report as a list of blocks, written as Markdown and as self-contained HTML.

A report is built once from headings, paragraphs, tables, code and images, and rendered
twice: ``report.md`` (images linked, next to it in the folder) and ``report.html`` (images
embedded as base64 data, so the one file can be mailed or put on a projector). No
Markdown library is needed. Names and titles in the blocks are the user's, so text is
escaped for each format: HTML entities in ``report.html``, backslash escapes in
``report.md`` (a partner called ``<img onerror=...>``, ``*x*`` or ``$x$`` is shown as
written), keeping only the report's own ``**bold**`` and ```code``` marks.
"""

from __future__ import annotations

import base64
import html
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from sim.experiment.results import write_atomic

# One block of a report, tagged by its kind so a renderer knows the payload's shape.
Block = (
    tuple[Literal["heading", "text", "code"], str]
    | tuple[Literal["bullets"], list[str]]
    | tuple[Literal["table"], tuple[list[str], list[list[str]]]]
    | tuple[Literal["image"], tuple[str, str]]
)

CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 60rem;
       margin: 2rem auto; padding: 0 1rem; color: #222; line-height: 1.45; }
h1 { font-size: 1.7rem; } h2 { margin-top: 2rem; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { border: 1px solid #ccc; padding: 0.35rem 0.6rem; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
th { background: #f3f3f3; }
img { max-width: 100%; border: 1px solid #eee; }
pre { background: #f6f6f6; padding: 0.6rem; overflow-x: auto; }
figcaption { color: #555; font-size: 0.9rem; margin-bottom: 1.5rem; }
"""


@dataclass
class Document:
    """A report under construction.

    Attributes:
        title: the report's title (the first heading).
        blocks: ``(kind, payload)`` in order; kinds are heading, text, bullets, table, code,
            image.
    """

    title: str
    blocks: list[Block] = field(default_factory=list)

    def heading(self, text: str) -> None:
        """A section heading."""
        self.blocks.append(("heading", text))

    def text(self, text: str) -> None:
        """A paragraph of plain text (``**bold**`` is kept in Markdown, shown bold in HTML)."""
        self.blocks.append(("text", text))

    def bullets(self, items: list[str]) -> None:
        """A bulleted list."""
        self.blocks.append(("bullets", items))

    def table(self, header: list[str], rows: list[list[str]]) -> None:
        """A table of strings; cells that start with a digit, sign or bracket align right."""
        self.blocks.append(("table", (header, rows)))

    def code(self, text: str) -> None:
        """A command or other literal text."""
        self.blocks.append(("code", text))

    def image(self, file: str, caption: str) -> None:
        """A picture in the folder, with a caption saying how to read it."""
        self.blocks.append(("image", (file, caption)))

    def markdown(self) -> str:
        """The report as Markdown (user text escaped, the report's own marks kept)."""
        out = [f"# {md_escape(self.title)}", ""]
        for block in self.blocks:
            if block[0] == "heading":
                out += [f"## {md_escape(str(block[1]))}", ""]
            elif block[0] == "text":
                out += [md_escape(str(block[1]), marks=True), ""]
            elif block[0] == "bullets":
                out += [f"- {md_escape(item, marks=True)}" for item in block[1]] + [""]
            elif block[0] == "table":
                header, rows = block[1]
                out.append("| " + " | ".join(md_escape(h) for h in header) + " |")
                out.append("|" + "|".join("---" for _ in header) + "|")
                out += ["| " + " | ".join(md_escape(c, marks=True) for c in r) + " |" for r in rows]
                out.append("")
            elif block[0] == "code":
                out += md_code(str(block[1])) + [""]
            elif block[0] == "image":
                file, caption = block[1]
                out += [f"![{Path(file).stem}]({file})", "", f"*{md_escape(caption)}*", ""]
        return "\n".join(out)

    def html(self, folder: Path) -> str:
        """The report as one HTML page, the images in ``folder`` embedded."""
        out = [
            "<!DOCTYPE html>",
            '<html lang="en"><head><meta charset="utf-8">',
            f"<title>{html.escape(self.title)}</title><style>{CSS}</style></head><body>",
            f"<h1>{html.escape(self.title)}</h1>",
        ]
        for block in self.blocks:
            if block[0] == "heading":
                out.append(f"<h2>{html.escape(str(block[1]))}</h2>")
            elif block[0] == "text":
                out.append(f"<p>{_inline(str(block[1]))}</p>")
            elif block[0] == "bullets":
                out.append("<ul>" + "".join(f"<li>{_inline(i)}</li>" for i in block[1]) + "</ul>")
            elif block[0] == "table":
                header, rows = block[1]
                head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
                body = "".join("<tr>" + "".join(_cell(c) for c in r) + "</tr>" for r in rows)
                out.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
            elif block[0] == "code":
                out.append(f"<pre><code>{html.escape(str(block[1]))}</code></pre>")
            elif block[0] == "image":
                file, caption = block[1]
                data = base64.b64encode((folder / file).read_bytes()).decode("ascii")
                out.append(
                    f'<figure><img src="data:image/png;base64,{data}" '
                    f'alt="{html.escape(caption)}"><figcaption>{_inline(caption)}</figcaption>'
                    "</figure>"
                )
        out.append("</body></html>")
        return "\n".join(out)

    def write(self, folder: Path) -> list[str]:
        """Write ``report.md`` and ``report.html`` into the folder; return their names."""
        write_atomic(folder / "report.md", self.markdown())
        write_atomic(folder / "report.html", self.html(folder))
        return ["report.md", "report.html"]


#: Characters that make Markdown (CommonMark, GitHub's tables and maths) do something: an
#: underscore only next to a non-word character (``simple_majority`` stays as it is), an
#: ampersand only where it would start an entity (``&amp;``), a ``(`` only after ``]`` (a
#: link or an image: ``[1.76, 2.20]`` stays as it is), ``>`` and ``#`` only at the start
#: (a quote, a heading).
_MARKDOWN = re.compile(
    r"([\\`*<|~$]|(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])|&(?=#?\w+;)|(?<=\])\(|^[#>])"
)


def md_escape(text: str, marks: bool = False) -> str:
    """``text`` for Markdown, shown as written: every active character backslash-escaped.

    Args:
        text: the text (names and titles in it are the user's).
        marks: keep the report's own marks, balanced ``**bold**`` and ```code``` (inside a
            code span Markdown shows everything literally), as ``report.html`` does.

    Returns:
        The escaped text.
    """
    spans = text.split("`") if marks else [text]
    if len(spans) % 2 == 0:  # unbalanced: not the report's own marks
        spans = [text]
    out = []
    for i, span in enumerate(spans):
        if i % 2:
            out.append(span)  # a code span: literal as it is
            continue
        parts = span.split("**") if marks else [span]
        if len(parts) % 2 == 0:
            parts = [span]
        out.append("**".join(_MARKDOWN.sub(r"\\\1", p) for p in parts))
    return "`".join(out)


def md_code(text: str) -> list[str]:
    """A fenced code block holding ``text`` literally.

    The fence is longer than any run of backticks in the text, so nothing in it ends it.
    """
    runs = re.findall(r"`+", text)
    fence = "`" * max(3, 1 + max((len(r) for r in runs), default=0))
    return [fence, text, fence]


def _inline(text: str) -> str:
    """Escape text for HTML, turning ``**bold**`` and ```code``` into tags."""
    escaped = html.escape(text)
    for marker, tag in (("**", "strong"), ("`", "code")):
        parts = escaped.split(marker)
        if len(parts) % 2 == 1:  # balanced markers only
            escaped = "".join(
                p if i % 2 == 0 else f"<{tag}>{p}</{tag}>" for i, p in enumerate(parts)
            )
    return escaped


def _cell(text: str) -> str:
    numeric = text[:1].isdigit() or text[:1] in "+-−[" or text == "n/a"
    return f'<td class="num">{_inline(text)}</td>' if numeric else f"<td>{_inline(text)}</td>"
