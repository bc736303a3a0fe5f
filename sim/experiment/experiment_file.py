"""Saved experiments: a sweep or a comparison written as a YAML file, to run again.

    # experiment.yaml
    kind: sweep                      # or: comparison (with designs:)
    scenario: scenarios/equal_stakes.yaml
    grid:
      governance.deadlock.after_rounds: [1, 2, 3]
      governance.deadlock.clause: none,casting_vote   # a SPEC, as with --set
    set: {horizon_months: 60}        # optional: changes to every design first
    replications: 200
    seed: 7
    metrics: [reserved_latency_months, fracture]      # optional: the table's columns
    format: csv                      # or parquet

``designs:`` lists two or more scenario files (the first is the baseline) for a
comparison. Relative paths are read from the experiment file's folder; shipped
scenarios may be named (``governance/majority``). ``sim experiment FILE`` runs it;
``sim sweep ... --save-experiment FILE`` and ``sim compare ... --save-experiment FILE``
write one. Problems are reported like a scenario's: ``file:line:column: path: message``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from sim.errors import InputError, Problem, did_you_mean
from sim.experiment.summary import HEADLINES
from sim.scenario.schema import MAX_REPLICATIONS

Scalar = bool | int | float | str
METRICS = tuple(h.key for h in HEADLINES)


class ExperimentFile(BaseModel):
    """A saved sweep or comparison (see the module docstring for the layout).

    Attributes:
        kind: ``sweep`` or ``comparison`` (inferred from ``grid`` / ``designs`` if left out).
        description: free text.
        scenario: the base scenario of a sweep.
        designs: the designs of a comparison, the baseline first.
        grid: dotted path -> list of values or a SPEC string (``1:3:1``, ``a,b``).
        set: dotted path -> value, applied to every design before the grid.
        replications: replications per design or point.
        seed: root seed shared by all (common random numbers).
        metrics: headline metrics shown in the table (default: all).
        format: ``csv`` or ``parquet`` tables.
    """

    # Strict types, as a scenario's (sim.scenario.actors.Strict): `replications: yes` is a
    # mistake, not one replication.
    model_config = ConfigDict(extra="forbid", strict=True)

    kind: Literal["sweep", "comparison"] | None = None
    description: str = ""
    scenario: str | None = None
    designs: Annotated[list[str], Field(min_length=2)] | None = None
    grid: Annotated[dict[str, list[Scalar] | str], Field(min_length=1)] | None = None
    set: dict[str, Scalar] = Field(default_factory=dict)
    replications: Annotated[int, Field(ge=1, le=MAX_REPLICATIONS)]
    seed: Annotated[int, Field(ge=0, lt=2**63)]
    metrics: list[str] = Field(default_factory=lambda: list(METRICS))
    format: Literal["csv", "parquet"] = "csv"

    @model_validator(mode="after")
    def _consistent(self) -> ExperimentFile:
        kind = self.kind or ("comparison" if self.designs is not None else "sweep")
        if kind == "sweep":
            if self.grid is None:
                raise ValueError("a sweep needs grid: (dotted path: values)")
            if self.scenario is None:
                raise ValueError("a sweep needs scenario: (the base scenario file)")
            if self.designs is not None:
                raise ValueError("give grid: and scenario: (a sweep) or designs:, not both")
        else:
            if self.designs is None:
                raise ValueError("a comparison needs designs: (two or more scenario files)")
            if self.grid is not None or self.scenario is not None:
                raise ValueError(
                    "a comparison takes designs:, not grid: or scenario: (that is a sweep)"
                )
        self.kind = kind
        return self

    @field_validator("metrics")
    @classmethod
    def _known_metrics(cls, names: list[str]) -> list[str]:
        for name in names:
            if name not in METRICS:
                raise ValueError(
                    f"unknown metric '{name}'{did_you_mean(name, METRICS)} "
                    f"(known: {', '.join(METRICS)})"
                )
        return names


def load_experiment(path: str | Path) -> ExperimentFile:
    """Read and validate an experiment file, with scenario paths made absolute.

    Raises:
        InputError: missing, not YAML, or not valid (each problem with file:line:column).
    """
    from sim.scenario.loader import locate
    from sim.scenario.messages import TYPE_ERRORS, explain
    from sim.scenario.shipped import resolve
    from sim.scenario.yamlsafe import parse, read_text

    name = str(path)
    _, text = read_text(path)
    node, data = parse(text, name)
    if not isinstance(data, dict):
        raise InputError(
            Problem("an experiment file is a mapping (kind:, designs: or grid:, ...)", file=name)
        )
    try:
        spec = ExperimentFile.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            message = str(err["msg"]).removeprefix("Value error, ")
            if err["type"] in TYPE_ERRORS:  # "must be a whole number, got true; ..."
                message = explain(err)[1]
            at_key = err["type"] == "extra_forbidden"
            if at_key:
                known = ", ".join(ExperimentFile.model_fields)
                message = f"unknown key{did_you_mean(err['loc'][-1], ExperimentFile.model_fields)}"
                message += f" (keys: {known})"
            problems.append(locate(tuple(err["loc"]), message, name, node, at_key))
        raise InputError(problems) from None
    here = Path(path).parent

    def absolute(p: str) -> str:
        local = here / p
        return str(local if local.exists() or Path(p).is_absolute() else resolve(p))

    if spec.scenario is not None:
        spec.scenario = absolute(spec.scenario)
    if spec.designs is not None:
        spec.designs = [absolute(d) for d in spec.designs]
    return spec


def dump(spec: ExperimentFile, path: str | Path) -> Path:
    """Write an experiment file; scenario paths relative to its folder where possible.

    Raises:
        InputError: the file exists (never overwritten).
    """
    from sim.experiment.results import write_new

    target = Path(path)
    if target.exists():
        raise InputError(
            Problem("already exists; experiment files are never overwritten", file=str(target))
        )

    from sim.scenario import shipped

    home = shipped.folder().resolve()

    def relative(p: str) -> str:
        resolved = Path(p).resolve()
        if resolved.is_relative_to(home):  # a shipped scenario: its name works anywhere
            return resolved.relative_to(home).with_suffix("").as_posix()
        try:
            return os.path.relpath(Path(p).resolve(), target.resolve().parent)
        except ValueError:  # another drive (Windows)
            return str(Path(p).resolve())

    data: dict[str, Any] = spec.model_dump(exclude_none=True)
    if "scenario" in data:
        data["scenario"] = relative(data["scenario"])
    if "designs" in data:
        data["designs"] = [relative(d) for d in data["designs"]]
    if not data.get("set"):
        data.pop("set", None)
    if not data.get("description"):
        data.pop("description", None)
    target.parent.mkdir(parents=True, exist_ok=True)
    write_new(target, yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    return target
