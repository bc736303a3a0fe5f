"""The fast engine: the Mesa model's month cycle compiled with Numba.

- :mod:`sim.fast.pack`: what the kernel models (:func:`~sim.fast.pack.unsupported`) and
  a scenario as arrays;
- :mod:`sim.fast.compile`: the shared rules registered with Numba, and the disk cache;
- :mod:`sim.fast.kernel`: the month cycle, one replication per call;
- :mod:`sim.fast.engine`: a chunk of replications, rows as the Mesa engine makes them.

Nothing here is imported until a run asks for the fast engine.
"""
