"""Stage 3: CleanText -> the documents a page holds, each with its title."""
