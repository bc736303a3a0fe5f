"""The package installs as users expect: a wheel in a fresh venv runs a shipped scenario.

The wheel goes into a new virtual environment with ``--no-deps``; its third-party
dependencies come from this environment's site-packages, appended to the new one's path by
a ``.pth`` line (a plain directory: the ``.pth`` files in it, such as this checkout's
editable finder, are not run, so ``import sim`` finds the wheel's copy). What the wheel
itself must carry (the package, its shipped scenarios, the ``sim`` entry point) is tested
here; that ``pyproject.toml`` names every dependency is what CI's fresh virtual
environment tests (``.ci/run``), so installing them all again here (~2 minutes) is not
repeated.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_installs_and_runs_a_shipped_scenario(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(ROOT)],
        check=True,
        timeout=600,
    )
    (wheel,) = wheels.glob("consortium_sim-*.whl")
    # The fresh environment must not see this checkout (PYTHONPATH would make pip think the
    # package is installed already, through the egg-info the build leaves here).
    clean = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    bindir = env_dir / "bin"
    subprocess.run(
        [str(bindir / "pip"), "install", "-q", "--no-deps", str(wheel)],
        check=True,
        timeout=1200,
        env=clean,
    )
    (new_site,) = env_dir.glob("lib/python*/site-packages")
    here = sysconfig.get_paths()["purelib"]  # this environment's third-party packages
    (new_site / "dependencies.pth").write_text(f"{here}\n", encoding="utf-8")
    # Without the cluster extra: Dask is not importable there, as in a plain install.
    (new_site / "sitecustomize.py").write_text(
        "import sys\nsys.modules['dask'] = sys.modules['distributed'] = None\n", encoding="utf-8"
    )
    where = subprocess.run(
        [str(bindir / "python"), "-c", "import sim; print(sim.__file__)"],
        capture_output=True, text=True, env=clean, cwd=tmp_path,
    )  # fmt: skip
    assert str(new_site) in where.stdout, (where.stdout, where.stderr)  # the wheel's copy
    work = tmp_path / "work"
    work.mkdir()

    def sim(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(bindir / "sim"), *args],
            cwd=work,
            capture_output=True,
            text=True,
            timeout=600,
            env=clean,
        )

    listed = sim("scenarios", "list")
    assert listed.returncode == 0 and "equal_stakes" in listed.stdout, listed.stderr
    # The Mesa engine: the fast engine would compile afresh for the new install's path
    # (~90 s; Numba's cache is per source path), and other tests cover it.
    res = sim(
        "run", "equal_stakes", "-n", "5", "-j", "1", "-o", "out", "--json", "--engine", "mesa"
    )
    assert res.returncode == 0, res.stderr
    assert (work / "out" / "runs.csv").exists()
    copied = sim("scenarios", "copy", "governance/majority", ".")
    assert copied.returncode == 0 and (work / "majority.yaml").exists()
    dask = sim("run", "majority.yaml", "-n", "2", "--executor", "dask")
    assert dask.returncode == 2 and "consortium-sim[cluster]" in dask.stderr
    api = subprocess.run(
        [str(bindir / "python"), "-c", "import sim; print(len(sim.run('cases/airbus', n=3, "
         "workers=1).runs))"],
        cwd=work, capture_output=True, text=True, timeout=600, env=clean,
    )  # fmt: skip
    assert api.stdout.strip() == "3", api.stderr
