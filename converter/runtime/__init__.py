"""Running builds: the per-source cache and its entries, the build lock, worker processes."""
