"""Site search: the 文号 table, the search index and its determinism."""
