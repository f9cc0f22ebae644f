"""Stage 2: RawSource -> CleanText (furniture, spam, repairs; the main text of HTML pages)."""
