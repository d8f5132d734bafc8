"""Read models: exactly once, batched, rebuildable, and right."""
