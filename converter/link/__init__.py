"""Stage 5: the corpus-wide step: citations resolved, the graph."""
