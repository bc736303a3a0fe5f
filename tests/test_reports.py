"""Pictures and report of `sim run`: every file there, readable, and saying the right numbers."""

from __future__ import annotations

import json
import subprocess
import sys

import matplotlib.image
import pytest

from sim.experiment.study import run_study
from sim.experiment.summary import HEADLINES
from sim.reports.document import Document
from sim.reports.report import interval, run_report, value
from tests.small import EQUAL, ROOT, small

N = 20
RUN_PNGS = {
    "latency.png",
    "leader.png",
    "survival.png",
    "influence.png",
    "final_state.png",
    "power.png",
}


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    loaded = small(EQUAL, tmp_path_factory.mktemp("scn"))
    out = tmp_path_factory.mktemp("run") / "out"
    output = run_study(loaded, replications=N, seed=9, workers=1, out=out, report=run_report)
    return loaded, output


def test_run_writes_every_picture_and_lists_it_in_the_manifest(run):
    _, output = run
    folder = output.folder
    assert {p.name for p in folder.glob("*.png")} == RUN_PNGS
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["status"] == "complete"
    assert RUN_PNGS | {"report.md", "report.html"} <= set(manifest["files"])
    for name in manifest["files"]:
        assert (folder / name).is_file(), name


def test_pictures_are_real_images_of_a_legible_size(run):
    _, output = run
    for name in RUN_PNGS:
        img = matplotlib.image.imread(output.folder / name)
        height, width = img.shape[:2]
        assert width >= 900 and height >= 450, name  # 150 dpi: readable on a projector
        assert img[..., :3].std() > 0.05, name  # not blank


def test_report_md_says_the_scenario_design_numbers_and_command(run):
    loaded, output = run
    s = output.summary
    md = (output.folder / "report.md").read_text()
    assert loaded.scenario.name in md
    assert "by unanimity" in md and "SoftBank 10%" in md
    for h in HEADLINES:
        entry = s[h.key]
        row = f"| {h.label} ({'%' if h.percent else h.unit}) | {value(entry[h.value], h.percent)}"
        assert row in md
        assert interval(entry["ci95"], h.percent) in md
    assert f"sim run {loaded.path} -n {N} --seed 9" in md
    for name in RUN_PNGS:
        assert f"]({name})" in md


def test_report_html_is_self_contained(run):
    _, output = run
    html = (output.folder / "report.html").read_text()
    assert html.count('src="data:image/png;base64,') == len(RUN_PNGS)
    assert 'src="http' not in html and 'src="latency.png"' not in html
    assert "<table>" in html and "</html>" in html


def test_html_escapes_text_from_the_scenario(tmp_path):
    doc = Document("<script>alert(1)</script> & co")
    doc.text("a **bold** claim about `<b>`")
    doc.table(["k"], [["<i>x</i>"]])
    html = doc.html(tmp_path)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<strong>bold</strong>" in html and "<code>&lt;b&gt;</code>" in html
    assert "&lt;i&gt;x&lt;/i&gt;" in html


def test_experiment_layer_does_not_import_matplotlib():
    code = (
        "import sys, sim.experiment.study, sim.experiment.compare, sim.experiment.sweep; "
        "print('matplotlib' in sys.modules)"
    )
    res = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert res.stdout.strip() == "False", res.stderr


def test_a_run_without_fractures_or_leaders_still_gets_every_picture(tmp_path):
    # SoftBank content again and 31 months (up to the last scripted event): in these
    # replications nobody leaves, so the Kaplan-Meier curve is flat at 100%
    loaded = small(
        EQUAL, tmp_path, name="short", horizon_months=31, partners__0__outside_option=0.5
    )
    output = run_study(
        loaded, replications=5, seed=1, workers=1, out=tmp_path / "o", report=run_report
    )
    assert output.summary["fracture"]["probability"] == 0.0
    assert {p.name for p in output.folder.glob("*.png")} == RUN_PNGS
