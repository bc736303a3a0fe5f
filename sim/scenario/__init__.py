"""The scenario layer: what a venture is, as a validated, immutable description.

Import :func:`sim.scenario.loader.load_scenario` to read a YAML file; the schema lives
in :mod:`sim.scenario.schema` and its blocks in ``actors``, ``agenda`` and ``governance``.
"""
