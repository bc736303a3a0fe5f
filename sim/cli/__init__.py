"""The command-line layer: ``sim run``, ``sim validate``, ``sim power`` and friends."""
