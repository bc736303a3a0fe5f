"""`sim sweep`: specs, dotted paths, validation before running, and the grid's files."""

from __future__ import annotations

import csv
import json

import pytest

from sim.errors import InputError
from sim.experiment.runner import run_experiment
from sim.experiment.summary import HEADLINES, summarise
from sim.experiment.sweep import (
    build_points,
    parse_setting,
    parse_spec,
    set_path,
    sweep_columns,
    sweep_study,
)
from sim.reports.sweep import sweep_report
from tests.small import EQUAL, small

N = 12


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    return small(EQUAL, tmp_path_factory.mktemp("base"))


def test_ranges_include_stop_when_it_lands_on_the_grid():
    assert parse_spec("0.5:1.0:0.1") == (0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
    assert parse_spec("1:4:1") == (1, 2, 3, 4)
    assert parse_spec("1:4:2") == (1, 3)
    assert parse_spec("0:1:0.3") == (0, 0.3, 0.6, 0.9)
    assert parse_spec("3:1:-1") == (3, 2, 1)
    assert all(isinstance(v, int) for v in parse_spec("1:4:1"))


def test_lists_are_yaml_scalars():
    assert parse_spec("none,casting_vote") == ("none", "casting_vote")
    assert parse_spec("1, 2.5, true") == (1, 2.5, True)


@pytest.mark.parametrize("spec", ["1:2", "1:0:1", "0:1:0", "a:b:c", "1,,2"])
def test_bad_specs_are_input_errors(spec):
    with pytest.raises(InputError):
        parse_spec(spec, "x")


def test_setting_needs_path_and_spec():
    assert parse_setting("a.b=1,2").values == (1, 2)
    with pytest.raises(InputError, match="PATH=SPEC"):
        parse_setting("a.b")


def test_partners_are_addressed_by_name_and_index():
    data = {"partners": [{"name": "Sony", "veto": {"tolerance": 0.1}}, {"name": "NEC"}]}
    set_path(data, "partners.Sony.veto.tolerance", 0.5)
    set_path(data, "partners.1.stake", 0.2)
    assert data["partners"][0]["veto"]["tolerance"] == 0.5
    assert data["partners"][1]["stake"] == 0.2


def test_bad_paths_say_what_exists(base):
    plain = base.scenario.model_dump(mode="json")
    with pytest.raises(InputError, match="did you mean 'deadlock'"):
        set_path(plain, "governance.dedlock.after_rounds", 1)
    with pytest.raises(InputError, match="SoftBank, Honda, Sony, NEC"):
        set_path(plain, "partners.Sonny.veto.tolerance", 1)
    with pytest.raises(InputError, match="section"):
        set_path(plain, "governance.deadlock", 1)


def test_grid_is_the_full_product_last_setting_fastest(base):
    points = build_points(
        base.scenario,
        [
            parse_setting("governance.deadlock.after_rounds=1:3:1"),
            parse_setting("partners.Sony.veto.tolerance=0.01,0.05"),
        ],
    )
    assert [tuple(p.params.values()) for p in points] == [
        (1, 0.01),
        (1, 0.05),
        (2, 0.01),
        (2, 0.05),
        (3, 0.01),
        (3, 0.05),
    ]
    sony = points[1].scenario.partners[2]
    assert sony.name == "Sony" and sony.veto.tolerance == 0.05
    assert points[4].scenario.governance.deadlock.after_rounds == 3
    assert len({p.sha256 for p in points}) == 6


def test_a_bad_point_names_the_point_and_the_problem(base):
    with pytest.raises(InputError) as err:
        build_points(base.scenario, [parse_setting("governance.deadlock.after_rounds=0:2:1")])
    text = str(err.value)
    assert "1 problem" in text
    assert "sweep point 1 of 3 (governance.deadlock.after_rounds=0)" in text
    assert "): governance.deadlock.after_rounds: " in text and "got 0" in text


def test_nothing_runs_and_no_folder_is_made_when_a_point_is_bad(base, tmp_path):
    out = tmp_path / "never"
    with pytest.raises(InputError, match="tolerence"):
        sweep_study(
            base,
            [parse_setting("partners.Sony.veto.tolerence=0.1")],
            replications=N,
            seed=1,
            workers=1,
            out=out,
        )
    assert not out.exists()


@pytest.fixture(scope="module")
def grid(base, tmp_path_factory):
    out = tmp_path_factory.mktemp("sweep") / "out"
    settings = [
        parse_setting("governance.deadlock.after_rounds=1,2"),
        parse_setting("governance.board.cadence_months=1:5:2"),
    ]
    return sweep_study(
        base, settings, replications=N, seed=4, workers=1, out=out, report=sweep_report
    )


def test_sweep_csv_has_a_row_per_point_with_intervals(grid):
    folder, sweep = grid
    with open(folder / "sweep.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == sweep_columns(sweep.settings)
    assert len(rows) == 6
    assert [
        (r["governance.deadlock.after_rounds"], r["governance.board.cadence_months"]) for r in rows
    ] == [("1", "1"), ("1", "3"), ("1", "5"), ("2", "1"), ("2", "3"), ("2", "5")]
    for r, p in zip(rows, sweep.points, strict=True):
        for h in HEADLINES:
            est = p.summary[h.key][h.value]
            assert float(r[h.key]) == pytest.approx(est)
            if r[f"{h.key}_ci_low"]:
                assert float(r[f"{h.key}_ci_low"]) <= est + 1e-12
                assert est <= float(r[f"{h.key}_ci_high"]) + 1e-12


def test_a_point_equal_to_the_base_reproduces_a_plain_run(base, grid):
    # common random numbers: the point (after_rounds=2, cadence=3) is the base scenario
    _, sweep = grid
    point = next(
        p
        for p in sweep.points
        if p.params == {"governance.deadlock.after_rounds": 2, "governance.board.cadence_months": 3}
    )
    plain = summarise(run_experiment(base.scenario, N, 4, 1), "equal_stakes.yaml")
    assert point.summary == plain


def test_manifest_lists_every_point_and_the_files(grid, base):
    folder, sweep = grid
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["status"] == "complete" and manifest["kind"] == "sweep"
    assert manifest["scenario_sha256"] == base.sha256
    assert len(manifest["points"]) == 6
    assert manifest["points"][0] == {
        "point": 1,
        "governance.deadlock.after_rounds": 1,
        "governance.board.cadence_months": 1,
        "scenario_sha256": sweep.points[0].sha256,
    }
    for name in manifest["files"]:
        assert (folder / name).is_file(), name
    assert {f"sweep_{h.key}.png" for h in HEADLINES} <= set(manifest["files"])


def test_sweep_json_and_report(grid):
    folder, sweep = grid
    data = json.loads((folder / "sweep.json").read_text())
    assert [p["params"] for p in data["points"]] == [p.params for p in sweep.points]
    md = (folder / "report.md").read_text()
    assert "--set governance.deadlock.after_rounds=1,2" in md
    assert "--set governance.board.cadence_months=1,3,5" in md
    html = (folder / "report.html").read_text()
    assert html.count("data:image/png;base64,") == len(HEADLINES)


def test_one_parameter_gives_line_plots_and_three_give_none(base, tmp_path):
    folder, _ = sweep_study(
        base,
        [parse_setting("governance.deadlock.clause=none,arbitration")],
        replications=4,
        seed=1,
        workers=1,
        out=tmp_path / "one",
        report=sweep_report,
    )
    assert len(list(folder.glob("sweep_*.png"))) == len(HEADLINES)
    settings = [
        parse_setting(s)
        for s in (
            "governance.deadlock.after_rounds=1,2",
            "governance.board.cadence_months=3",
            "partners.NEC.patience=12",
        )
    ]
    folder, _ = sweep_study(
        base,
        settings,
        replications=2,
        seed=1,
        workers=1,
        out=tmp_path / "three",
        report=sweep_report,
    )
    assert not list(folder.glob("*.png"))
    assert "More than two parameters" in (folder / "report.md").read_text()
