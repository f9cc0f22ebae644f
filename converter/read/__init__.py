"""Stage 1: bytes on disk -> RawSource (decoded text plus provenance); document files."""
