"""The experiment layer: many replications of a scenario, their statistics, their files.

``runner`` seeds and runs replications (a long-lived process pool), ``outcomes`` declares
per-replication columns, ``stats`` and ``summary`` aggregate them with uncertainty,
``results`` writes the results folder, ``study`` ties them together for ``sim run``.
"""
