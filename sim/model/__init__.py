"""The model layer: one replication of a venture as a Mesa model.

``venture.Venture`` is the ``mesa.Model``; ``partner.Partner`` the ``mesa.Agent``. Rules
are registered by name in ``voting``, ``proposer`` and ``deadlock``. Importing this
package imports nothing heavy; import ``sim.model.venture`` to build a model.
"""
