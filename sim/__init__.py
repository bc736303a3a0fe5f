"""consortium-sim: an agent-based governance simulator for multi-partner ventures.

Layers look only down: ``sim.scenario`` (what a venture is) -> ``sim.model`` (one
replication, a Mesa model) -> ``sim.experiment`` (many replications, statistics, files)
-> ``sim.cli`` (the ``sim`` command). Importing this package does no work.
"""

__version__ = "0.1.0"
