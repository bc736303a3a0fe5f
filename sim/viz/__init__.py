"""The workshop dashboard (``sim viz``): Solara page, SVG charts, one adapter over the model."""
