"""The scenarios shipped with the package: listed, found by name, copied out.

A wheel carries the repository's ``scenarios/`` folder as package data in
``sim/scenarios/`` (``setup.py`` copies it in at build time); a source checkout or an
editable install reads ``scenarios/`` next to the ``sim`` package. A scenario's name is
its path inside that folder without ``.yaml``: ``equal_stakes``,
``governance/majority``, ``cases/airbus``.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from sim.errors import InputError, Problem, did_you_mean


def folder() -> Path:
    """The folder holding the shipped scenarios (installed package data, else the checkout).

    Raises:
        InputError: neither exists (a broken installation).
    """
    package = Path(__file__).resolve().parents[1]
    for candidate in (package / "scenarios", package.parent / "scenarios"):
        if candidate.is_dir():
            return candidate
    raise InputError(
        "the shipped scenarios are missing from this installation: reinstall consortium-sim"
    )


@dataclass(frozen=True)
class Shipped:
    """One shipped scenario.

    Attributes:
        name: its name (``governance/majority``).
        path: its file.
    """

    name: str
    path: Path


def all_shipped() -> list[Shipped]:
    """Every shipped scenario, sorted by name."""
    root = folder()
    found = [
        Shipped(p.relative_to(root).with_suffix("").as_posix(), p) for p in root.rglob("*.yaml")
    ]
    return sorted(found, key=lambda s: (s.name.count("/"), s.name))


def find(name: str) -> Shipped | None:
    """The shipped scenario called ``name`` (``.yaml`` optional), or None."""
    wanted = name.removesuffix(".yaml").strip("/")
    return next((s for s in all_shipped() if s.name == wanted), None)


def resolve(path: str | Path) -> Path:
    """A scenario file: ``path`` itself if it exists, else the shipped scenario of that name.

    A path that exists always wins, so a user's own ``equal_stakes.yaml`` is never
    shadowed by the shipped one.
    """
    given = Path(path)
    if given.exists():
        return given
    shipped = find(str(path))
    return shipped.path if shipped is not None else given


def select(name: str) -> list[Shipped]:
    """The scenarios a name picks: one scenario, or every one in a group (``governance``).

    Raises:
        InputError: nothing is called that (with a suggestion).
    """
    shipped = all_shipped()
    wanted = name.removesuffix(".yaml").strip("/")
    if wanted in ("all", ""):
        return shipped
    one = [s for s in shipped if s.name == wanted]
    group = [s for s in shipped if s.name.startswith(wanted + "/")]
    if one or group:
        return one or group
    groups = {s.name.split("/")[0] for s in shipped if "/" in s.name}
    hint = did_you_mean(wanted, [s.name for s in shipped] + sorted(groups))
    raise InputError(
        f"no shipped scenario called '{name}'{hint}; `sim scenarios list` shows them all"
    )


def copy(name: str, dest: str | Path) -> list[Path]:
    """Copy one shipped scenario (or a group, or ``all``) into ``dest``, keeping sub-folders.

    Nothing is overwritten: if any target file exists, nothing is copied.

    Returns:
        The files written.

    Raises:
        InputError: unknown name, or a target file already exists.
    """
    chosen = select(name)
    root = folder()
    single = len(chosen) == 1 and chosen[0].name == name.removesuffix(".yaml").strip("/")
    dest = Path(dest)
    targets = [
        dest / (s.path.name if single else s.path.relative_to(root).as_posix()) for s in chosen
    ]
    existing = [t for t in targets if t.exists()]
    if existing:
        raise InputError(
            [
                Problem(
                    "already exists; nothing was copied (files are never overwritten): "
                    "move it away or copy into another folder",
                    file=str(t),
                )
                for t in existing
            ]
        )
    for source, target in zip(chosen, targets, strict=True):
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source.path, target)
    return targets
