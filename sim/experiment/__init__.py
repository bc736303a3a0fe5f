"""The experiment layer: many replications of a scenario, their statistics, their files.

``runner`` runs replications in chunks (``chunk``: seeds and one chunk's work) on an
executor (``executors``: serial, a long-lived local process pool, or Dask), ``outcomes``
declares per-replication columns, ``totals`` folds rows into streaming totals, ``stats``
and ``summary`` aggregate them with uncertainty, ``results`` writes the results folder,
``sink`` streams rows to it with a resumable checkpoint, ``signals`` makes Ctrl-C and
SIGTERM clean stops, ``study`` ties them together for ``sim run`` and ``resume`` for
sweeps and comparisons.
"""
