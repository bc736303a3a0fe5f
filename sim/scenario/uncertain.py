"""Uncertain parameters: a scenario value given as a distribution instead of a number.

Any number in a scenario may be written as one of

- ``{uniform: [a, b]}``: every value in [a, b] equally likely;
- ``{triangular: [lo, mode, hi]}``: most likely ``mode``, never outside [lo, hi];
- ``{normal: [mu, sd], clip: [lo, hi]}``: a normal truncated to [lo, hi] (values outside
  are never drawn; ``clip`` is required so that every draw is a valid value);
- ``{choice: [v1, v2, ...]}``: one of the listed values, each equally likely.

Bounds that are all integers (``{uniform: [6, 18]}``) draw whole numbers, for fields that
count months or rounds. :func:`extract` takes such entries out of the parsed document
before validation and puts each distribution's central value in its place (the middle
of a uniform, a triangular's mode, a normal's mean, the middle choice), so the scenario
validates as usual and every command that runs one scenario runs it at the centre. A
distribution maps a point ``u`` in [0, 1) to a value (:meth:`Distribution.value`, the
inverse of its distribution function), so samplers work on the unit cube.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterator
from dataclasses import dataclass
from statistics import NormalDist

KINDS = ("uniform", "triangular", "normal", "choice")
ARITY = {"uniform": 2, "triangular": 3, "normal": 2}
SKIPPED = ("metadata",)  # free notes: never read as distributions

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Distribution:
    """One distribution of an uncertain parameter.

    Attributes:
        kind: ``uniform``, ``triangular``, ``normal`` or ``choice``.
        args: its numbers as written (``[a, b]``, ``[lo, mode, hi]``, ``[mu, sd]``, choices).
        clip: ``[lo, hi]`` of a normal; ``None`` otherwise.
    """

    kind: str
    args: tuple
    clip: tuple[float, float] | None = None

    @property
    def integer(self) -> bool:
        """Whether it draws whole numbers (all its numbers are integers)."""
        nums = [*self.args, *(self.clip or ())]
        return self.kind != "choice" and all(_is_int(x) for x in nums)

    @property
    def bounds(self) -> tuple[object, object]:
        """The smallest and largest value it can draw (first and last choice if not numbers)."""
        if self.kind == "uniform":
            return self.args[0], self.args[1]
        if self.kind == "triangular":
            return self.args[0], self.args[2]
        if self.kind == "normal":
            assert self.clip is not None
            return self.clip
        if all(_is_number(x) for x in self.args):
            return min(self.args), max(self.args)
        return self.args[0], self.args[-1]

    def extremes(self) -> list[object]:
        """The values that must each be valid: both bounds, or every choice."""
        if self.kind == "choice":
            return list(dict.fromkeys(self.args))
        return list(self.bounds)

    @property
    def central(self) -> object:
        """The value a single run uses: middle, mode, mean, or the middle choice."""
        if self.kind == "uniform":
            mid = (self.args[0] + self.args[1]) / 2
            return self._cast(float(f"{mid:.12g}"))  # 0.03, not 0.030000000000000002
        if self.kind in ("triangular", "normal"):
            return self._cast(self.args[1] if self.kind == "triangular" else self.args[0])
        return self.args[(len(self.args) - 1) // 2]

    def value(self, u: float) -> object:
        """The value at quantile ``u`` in [0, 1) (the inverse distribution function)."""
        u = min(max(float(u), 0.0), math.nextafter(1.0, 0.0))
        if self.kind == "choice":
            return self.args[min(int(u * len(self.args)), len(self.args) - 1)]
        if self.kind == "uniform":
            a, b = self.args
            if self.integer:  # every whole number in [a, b] equally likely
                return int(a + min(int(u * (b - a + 1)), b - a))
            return min(max(a + u * (b - a), a), b)  # rounding never leaves [a, b]
        if self.kind == "triangular":
            lo, mode, hi = (float(x) for x in self.args)
            cut = (mode - lo) / (hi - lo)
            if u < cut:
                x = lo + math.sqrt(u * (hi - lo) * (mode - lo))
            else:
                x = hi - math.sqrt((1 - u) * (hi - lo) * (hi - mode))
            # hi - (hi - lo) can round below lo (lo = mode = 0.3, hi = 0.9 gave 0.2999...97)
            return self._cast(min(max(x, lo), hi))
        mu, sd = self.args
        assert self.clip is not None
        lo, hi = float(self.clip[0]), float(self.clip[1])
        normal = NormalDist(mu, sd)
        p_lo, p_hi = normal.cdf(lo), normal.cdf(hi)
        p = p_lo + u * (p_hi - p_lo)
        z = normal.inv_cdf(min(max(p, 1e-300), 1 - 1e-16))
        return self._cast(min(max(z, lo), hi))

    def _cast(self, x: float) -> object:
        return int(round(x)) if self.integer else float(x)

    def describe(self) -> str:
        """As written: ``uniform [0.6, 0.9]``."""
        text = f"{self.kind} [{', '.join(str(a) for a in self.args)}]"
        return text + (f" clipped to [{self.clip[0]}, {self.clip[1]}]" if self.clip else "")

    def to_json(self) -> dict:
        """As in the file: ``{"uniform": [0.6, 0.9]}``."""
        out: dict = {self.kind: list(self.args)}
        if self.clip is not None:
            out["clip"] = list(self.clip)
        return out


@dataclass(frozen=True)
class UncertainParameter:
    """A scenario parameter given as a distribution.

    Attributes:
        loc: where it is in the file's document (list items by index).
        path: dotted path with named list items by name (``partners.Sony.patience``): the
            name it has in tables, and how it is found in another design's scenario.
        distribution: its distribution.
    """

    loc: Loc
    path: str
    distribution: Distribution

    def value(self, u: float) -> object:
        """Its value at quantile ``u`` in [0, 1)."""
        return self.distribution.value(u)


def _is_number(x: object) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


def _is_int(x: object) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def is_distribution(value: object) -> bool:
    """Whether a parsed value is written as a distribution (a mapping naming a kind)."""
    return (
        isinstance(value, dict)
        and any(k in value for k in KINDS)
        and all(isinstance(value[k], list) for k in KINDS if k in value)
    )


def extract(data: dict) -> tuple[dict, list[UncertainParameter], list[tuple[Loc, str]]]:
    """Take the distributions out of a parsed document.

    Args:
        data: the parsed document (not changed).

    Returns:
        The document with each distribution replaced by its central value, the uncertain
        parameters in document order, and ``(loc, message)`` problems with the
        distributions as written (an empty list when they are all well formed).
    """
    out = copy.deepcopy(data)
    found: list[UncertainParameter] = []
    problems: list[tuple[Loc, str]] = []
    for loc, value in list(_walk(out, ())):
        assert isinstance(value, dict)
        dist, problem = parse_distribution(value)
        if problem:
            problems.append((loc, problem))
            continue
        assert dist is not None
        _set(out, loc, dist.central)
        found.append(UncertainParameter(loc, named_path(data, loc), dist))
    return out, found, problems


def _walk(node: object, loc: Loc) -> Iterator[tuple[Loc, object]]:
    if loc and is_distribution(node):  # a whole document is never one value
        yield loc, node
    elif isinstance(node, dict):
        for key, value in node.items():
            if not (loc == () and key in SKIPPED):
                yield from _walk(value, (*loc, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk(value, (*loc, i))


def parse_distribution(value: dict) -> tuple[Distribution | None, str]:
    """A distribution from its mapping, or the reason it is not one."""
    kinds = [k for k in KINDS if k in value]
    example = (
        "write {uniform: [a, b]}, {triangular: [lo, mode, hi]}, "
        "{normal: [mu, sd], clip: [lo, hi]} or {choice: [v1, v2, ...]}"
    )
    if len(kinds) != 1:
        return None, f"a distribution names one kind, not {' and '.join(kinds)}: {example}"
    kind = kinds[0]
    allowed = {kind, "clip"} if kind == "normal" else {kind}
    extra = sorted(map(str, set(value) - allowed))
    if extra:
        return None, f"unknown key(s) {', '.join(extra)} in a {kind} distribution: {example}"
    args = value[kind]
    if kind == "choice":
        if not args or not all(isinstance(x, str | bool | int | float) for x in args):
            return None, "a choice lists one or more plain values: {choice: [0.5, 0.7, 0.9]}"
        if any(isinstance(x, float) and not math.isfinite(x) for x in args):
            return None, "choices must be finite numbers"
        return Distribution(kind, tuple(args)), ""
    if len(args) != ARITY[kind] or not all(_is_number(x) for x in args):
        shape = {"uniform": "[a, b]", "triangular": "[lo, mode, hi]", "normal": "[mu, sd]"}
        return None, f"a {kind} takes {ARITY[kind]} finite numbers {shape[kind]}, got {args!r}"
    if kind == "uniform" and not args[0] < args[1]:
        return None, f"a uniform [a, b] needs a < b, got [{args[0]}, {args[1]}]"
    if kind == "triangular" and not (args[0] <= args[1] <= args[2] and args[0] < args[2]):
        return None, f"a triangular [lo, mode, hi] needs lo <= mode <= hi and lo < hi, got {args}"
    clip = None
    if kind == "normal":
        if args[1] <= 0:
            return None, f"a normal's standard deviation must be above 0, got {args[1]}"
        raw = value.get("clip")
        if raw is None:
            return None, (
                "a normal needs clip: [lo, hi] (the range its draws stay in, so each is a valid "
                f"value), e.g. {{normal: [{args[0]}, {args[1]}], clip: [lo, hi]}}"
            )
        if not isinstance(raw, list) or len(raw) != 2 or not all(_is_number(x) for x in raw):
            return None, f"clip is [lo, hi], two finite numbers, got {raw!r}"
        if not raw[0] <= args[0] <= raw[1] or raw[0] == raw[1]:
            return None, f"clip [lo, hi] must have lo < hi and hold the mean {args[0]}, got {raw}"
        clip = (raw[0], raw[1])
    return Distribution(kind, tuple(args), clip), ""


def named_path(data: object, loc: Loc) -> str:
    """A location as a dotted path, list items that have a ``name`` by their name."""
    parts: list[str] = []
    node = data
    for key in loc:
        if isinstance(node, list) and isinstance(key, int):
            item = node[key]
            name = item.get("name") if isinstance(item, dict) else None
            parts.append(str(name) if isinstance(name, str) and name else str(key))
            node = item
        else:
            parts.append(str(key))
            node = node[key] if isinstance(node, dict) else None
    return ".".join(parts)


def _set(data: object, loc: Loc, value: object) -> None:
    node = data
    for key in loc[:-1]:
        node = node[key]  # type: ignore[index]
    node[loc[-1]] = value  # type: ignore[index]


def set_named(data: dict, path: str, value: object) -> bool:
    """Set ``value`` at a named dotted path of plain scenario data; False if it is not there.

    Named list items are found by ``name``, others by index; every key must exist (a
    scenario dumped with ``model_dump`` has them all).
    """
    keys = path.split(".")
    node: object = data
    for i, key in enumerate(keys):
        last = i == len(keys) - 1
        if isinstance(node, list):
            names = [x.get("name") if isinstance(x, dict) else None for x in node]
            if key in names:
                index = names.index(key)
            elif key.isdigit() and int(key) < len(node):
                index = int(key)
            else:
                return False
            if last:
                node[index] = value
                return True
            node = node[index]
        elif isinstance(node, dict) and key in node:
            if last:
                node[key] = value
                return True
            node = node[key]
        else:
            return False
    return False
