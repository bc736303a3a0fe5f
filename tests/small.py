"""Small, fast variants of the shipped scenarios for tests of the experiment and reports.

Four years instead of ten, no lock-up, and SoftBank's outside option raised so that some
replications fracture (the survival curve then has steps) while most do not.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from sim.scenario.loader import LoadedScenario, load_scenario

ROOT = Path(__file__).resolve().parents[1]
EQUAL = ROOT / "scenarios" / "equal_stakes.yaml"
MAJORITY = ROOT / "scenarios" / "governance" / "majority.yaml"


def small(source: Path, folder: Path, name: str | None = None, **edits) -> LoadedScenario:
    """Write a shortened copy of ``source`` into ``folder`` and load it.

    ``edits`` are dotted paths (with ``__`` for dots, list items by index) set on the plain
    data.
    """
    data = load_scenario(source).scenario.model_dump(mode="json")
    data["horizon_months"] = 48
    data["governance"]["lock_up_months"] = 0
    data["partners"][0]["outside_option"] = 0.9
    for key, value in edits.items():
        node = data
        *head, last = key.split("__")
        for k in head:
            node = node[int(k)] if isinstance(node, list) else node[k]
        node[last] = value
    path = folder / f"{name or source.stem}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return load_scenario(path)
