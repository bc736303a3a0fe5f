"""Room sessions (``sim play``): participants play partners; replayable from seed and moves."""
