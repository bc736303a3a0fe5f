"""A chunk's per-replication outcomes as columns: one array per ``runs.csv`` column.

A :class:`RowBlock` is what a chunk of replications sends back and what the runner folds
into :class:`~sim.experiment.totals.Totals` and appends to ``runs.csv``, a column at a
time rather than a row at a time. Numbers are NumPy arrays (``int64`` for whole-number
columns, ``float64`` with NaN for undefined values), names and modes lists of strings.
The fast engine fills one from its 2-D arrays of per-replication results; the Mesa
engine's dict rows convert with :meth:`RowBlock.from_rows`. Either way :meth:`rows`
gives back exactly the dicts :func:`~sim.experiment.outcomes.observe` makes (same keys,
order and Python types), and :meth:`csv_text` exactly the text ``csv.DictWriter`` would
write for them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np

Values = np.ndarray | list


@dataclass
class RowBlock:
    """Per-replication outcomes of consecutive replications, by column.

    Attributes:
        columns: name -> values, in ``runs.csv`` order; every column has :attr:`count`
            values. ``int64`` and ``float64`` arrays, or lists (text, or mixed values).
        count: the number of replications (rows).
    """

    columns: dict[str, Values] = field(default_factory=dict)
    count: int = 0

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[dict]:
        return iter(self.rows())

    @classmethod
    def from_rows(cls, rows: Sequence[dict]) -> RowBlock:
        """Dict rows (as :func:`~sim.experiment.outcomes.observe` makes them) as columns.

        A column whose values are all ``int`` becomes an ``int64`` array, all ``float`` a
        ``float64`` array; anything else (text, a mix) stays a list, so :meth:`rows` gives
        back the very values given. A key missing from a row reads as None (an empty cell).
        """
        names: dict[str, None] = {}
        for row in rows:
            names.update(dict.fromkeys(row))
        columns: dict[str, Values] = {}
        for name in names:
            values: list = [row.get(name) for row in rows]
            kinds = {type(v) for v in values}
            if kinds == {int} and all(-(2**63) <= v < 2**63 for v in values):
                columns[name] = np.array(values, dtype=np.int64)
            elif kinds == {float}:
                columns[name] = np.array(values, dtype=np.float64)
            else:
                columns[name] = values
        return cls(columns, len(rows))

    @classmethod
    def concat(cls, blocks: Sequence[RowBlock]) -> RowBlock:
        """Blocks one after another (they must have the same columns)."""
        blocks = [b for b in blocks if b.count]
        if not blocks:
            return cls()
        if len(blocks) == 1:
            return blocks[0]
        columns: dict[str, Values] = {}
        for name in blocks[0].columns:
            parts = [b.columns[name] for b in blocks]
            arrays = [p for p in parts if isinstance(p, np.ndarray)]
            if len(arrays) == len(parts) and len({a.dtype for a in arrays}) == 1:
                columns[name] = np.concatenate(arrays)
            else:
                columns[name] = [v for p in parts for v in _listed(p)]
        return cls(columns, sum(b.count for b in blocks))

    def take(self, order: Sequence[int] | np.ndarray) -> RowBlock:
        """The rows at the given positions, in that order."""
        index = np.asarray(order, dtype=np.intp)
        columns: dict[str, Values] = {
            name: v[index] if isinstance(v, np.ndarray) else [v[i] for i in index.tolist()]
            for name, v in self.columns.items()
        }
        return RowBlock(columns, len(index))

    def rows(self) -> list[dict]:
        """The rows as dicts, typed as :func:`~sim.experiment.outcomes.observe` makes them."""
        names = list(self.columns)
        listed = [_listed(v) for v in self.columns.values()]
        return [dict(zip(names, values, strict=True)) for values in zip(*listed, strict=True)]

    def floats(self, name: str) -> np.ndarray:
        """A column as ``float64`` (numbers as ``float(value)``; None is NaN)."""
        v = self.columns[name]
        if isinstance(v, np.ndarray):
            return v.astype(np.float64, copy=False)
        return np.array([np.nan if x is None else float(x) for x in v], dtype=np.float64)

    def csv_text(self, names: Sequence[str], constants: dict | None = None) -> str:
        """The rows as CSV lines (no header) with these columns, as ``csv.DictWriter``.

        Args:
            names: the columns to write, in order; one the block lacks is taken from
                ``constants`` (a block's own value wins), else left empty.
            constants: values shared by every row (a sweep point's parameters).
        """
        constants = constants or {}
        cells: list[list[str]] = []
        for name in names:
            if name in self.columns:
                cells.append(cell_strings(self.columns[name]))
            else:
                cells.append([_cell(constants.get(name))] * self.count)
        buf = io.StringIO()
        csv.writer(buf).writerows(zip(*cells, strict=True))
        return buf.getvalue()


def _listed(values: Values) -> list:
    return values.tolist() if isinstance(values, np.ndarray) else list(values)


def _cell(value: object) -> str:
    """One CSV cell as ``csv.DictWriter`` writes it (floats by repr; NaN and None empty)."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return float.__repr__(value) if isinstance(value, float) else str(value)


def cell_strings(values: Values) -> list[str]:
    """The CSV cells of a column (see :func:`_cell`), a whole array at once."""
    if isinstance(values, np.ndarray):
        listed = values.tolist()
        if values.dtype.kind == "f":
            return ["" if v != v else repr(v) for v in listed]
        return [str(v) for v in listed]
    return [_cell(v) for v in values]
