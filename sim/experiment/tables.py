"""The tables of a results folder as pandas DataFrames, and their Parquet form.

Every table a results folder holds (``runs``, ``failures``, ``influence``, ``sweep``,
``comparison``, and those under ``points/`` and ``designs/``) is CSV by default;
:func:`to_parquet` rewrites them all as Parquet (via pyarrow) once a study is complete
and records the change in its manifest. :func:`read` reads either form back, with
empty cells as missing values and names such as ``NA`` kept as text. pandas and pyarrow
are imported here only.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import TYPE_CHECKING

from sim.errors import InputError
from sim.experiment import results

if TYPE_CHECKING:
    import pandas as pd

FORMATS = ("csv", "parquet")


def check_format(name: str) -> str:
    """The format name, checked.

    Raises:
        InputError: not ``csv`` or ``parquet``.
    """
    if name not in FORMATS:
        raise InputError(f"--format must be csv or parquet, got {name!r}")
    return name


def read(path: str | Path) -> pd.DataFrame:
    """A table by path without suffix (``folder/runs``): its ``.parquet`` or its ``.csv``.

    Raises:
        FileNotFoundError: neither exists.
    """
    import pandas as pd

    base = Path(path)
    parquet, csv = base.with_name(base.name + ".parquet"), base.with_name(base.name + ".csv")
    if parquet.exists():
        return pd.read_parquet(parquet)
    if csv.exists():
        return pd.read_csv(csv, keep_default_na=False, na_values=[""])
    raise FileNotFoundError(f"no {csv.name} or {parquet.name} in {base.parent}")


def read_many(paths: list[Path]) -> pd.DataFrame:
    """Tables stacked in order (the points of a sweep, the designs of a comparison)."""
    import pandas as pd

    frames = [read(p) for p in paths]
    frames = [f for f in frames if len(f)] or frames[:1]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def to_parquet(folder: str | Path) -> list[str]:
    """Rewrite every CSV table of a complete results folder as Parquet.

    Each ``X.csv`` becomes ``X.parquet`` (written atomically, then the CSV removed); the
    manifest's ``files`` are renamed to match and it gains ``"format": "parquet"``.

    Returns:
        The new file names, relative to the folder.
    """
    folder = Path(folder)
    written = []
    renamed: dict[str, str] = {}
    for csv in sorted(folder.rglob("*.csv")):
        frame = read(csv.with_suffix(""))
        buf = io.BytesIO()
        frame.to_parquet(buf, index=False, engine="pyarrow")
        target = csv.with_suffix(".parquet")
        results.write_atomic(target, buf.getvalue())
        csv.unlink()
        old, new = csv.relative_to(folder).as_posix(), target.relative_to(folder).as_posix()
        renamed[old] = new
        written.append(new)
    manifest = folder / "manifest.json"
    if manifest.exists():
        info = json.loads(manifest.read_text("utf-8"))
        info["files"] = [renamed.get(f, f) for f in info.get("files", [])]
        info["format"] = "parquet"
        results.write_json(manifest, info)
    return written


def add_files(folder: str | Path, names: list[str]) -> None:
    """Add file names to a complete folder's manifest (pictures drawn after the run)."""
    manifest = Path(folder) / "manifest.json"
    info = json.loads(manifest.read_text("utf-8"))
    files = info.get("files", [])
    info["files"] = files + [n for n in names if n not in files]
    results.write_json(manifest, info)
