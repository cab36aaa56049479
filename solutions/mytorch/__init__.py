"""mytorch: a tiny numpy deep-learning library."""
