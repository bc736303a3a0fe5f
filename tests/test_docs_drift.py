"""Generated documentation stays in step with the code.

What is checked, and why this way:
- docs/model.md's parameter table is regenerated from the scenario schema and must match
  exactly: adding, removing or changing a parameter (its range, default or docstring)
  without `sim docs` fails here; every parameter must have a documented reason for its
  default (sim.docs.REASONS).
- The README's designs table is regenerated from the recorded results file
  docs/designs.json (written by `sim docs --run`, 200 replications per design) and must
  match; the recorded file must list every shipped design with the SHA-256 of the file it
  ran. Re-running all designs here would cost minutes, so a change to a scenario file is
  caught by its hash; a change to the model's behaviour is NOT caught here (re-run
  `sim docs --run` after such changes).
"""

import json
from pathlib import Path

from sim import docs
from sim.scenario.actors import PartnerSpec, Veto

ROOT = Path(__file__).resolve().parents[1]


def test_model_md_parameter_table_matches_the_schema():
    rendered = docs.render(ROOT)
    path = ROOT / "docs" / "model.md"
    assert rendered[path] == path.read_text(encoding="utf-8"), "run `sim docs`"


def test_every_parameter_has_unit_default_and_reason():
    params = docs.parameters()
    paths = [p.path for p in params]
    assert len(paths) == len(set(paths))
    for p in params:
        assert p.reason, f"{p.path}: add a reason for its default to sim.docs.REASONS"
        assert p.meaning, f"{p.path}: document it in its class's Attributes section"
    by_path = {p.path: p for p in params}
    # spot checks against the schema itself
    assert by_path["partners[].outside_option"].default == str(
        PartnerSpec.model_fields["outside_option"].default
    )
    assert by_path["partners[].veto.concession"].default == str(Veto().concession)
    assert by_path["partners[].veto.concession"].unit == "value units per month"
    assert by_path["governance.routine.rule"].default == "simple_majority"
    assert by_path["horizon_months"].range == "[1, 1200]"


def test_no_reason_for_a_parameter_that_does_not_exist():
    paths = {p.path for p in docs.parameters()}
    for key in docs.REASONS:
        if key.endswith("."):
            assert any(p.startswith(key) for p in paths), key
        else:
            assert key in paths, f"REASONS names '{key}', which is not a parameter"


def test_readme_designs_table_matches_the_recorded_results():
    rendered = docs.render(ROOT)
    path = ROOT / "README.md"
    assert rendered[path] == path.read_text(encoding="utf-8"), "run `sim docs`"


def test_recorded_results_cover_every_shipped_design_as_shipped():
    recorded = json.loads((ROOT / "docs" / "designs.json").read_text(encoding="utf-8"))
    files = {d["file"]: d["sha256"] for d in recorded["designs"]}
    for path in docs.shipped_designs(ROOT):
        rel = path.relative_to(ROOT).as_posix()
        assert rel in files, f"{rel} is not in docs/designs.json: run `sim docs --run`"
        assert files[rel] == docs.file_hash(path), f"{rel} changed: run `sim docs --run`"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for rel in files:
        assert f"]({rel})" in readme


def test_replace_between_markers():
    text = "a\n<!-- x:start -->\nold\n<!-- x:end -->\nb\n"
    assert docs.replace_between(text, "x", "new") == "a\n<!-- x:start -->\nnew\n<!-- x:end -->\nb\n"
    assert docs.replace_between("a\n", "x", "new", append=True).endswith("<!-- x:end -->\n")
