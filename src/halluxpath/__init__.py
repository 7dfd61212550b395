"""HalluxPath: software for the episode of care of minimally invasive bunion surgery."""
