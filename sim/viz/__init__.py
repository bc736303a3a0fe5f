"""The workshop dashboard: Mesa's Solara visualisation of a venture (``sim viz``)."""
