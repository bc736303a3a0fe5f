"""Build hook: ship the repository's ``scenarios/`` folder inside the wheel as ``sim/scenarios``.

Everything else about the package is declared in ``pyproject.toml``. The scenarios stay at
the top of the repository (where the README's commands and the tests use them); this
copies them into the built package so ``sim scenarios list`` works after ``pip install``.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithScenarios(build_py):
    """``build_py`` that also copies ``scenarios/**/*.yaml`` to ``sim/scenarios/``."""

    def run(self):
        """Build the package, then add the scenario files."""
        super().run()
        source = Path(__file__).parent / "scenarios"
        target = Path(self.build_lib) / "sim" / "scenarios"
        for path in sorted(source.rglob("*.yaml")):
            out = target / path.relative_to(source)
            out.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, out)


setup(cmdclass={"build_py": BuildWithScenarios})
