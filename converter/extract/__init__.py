"""Stage 4: DocumentText -> PolicyDocument (metadata, structure, citations)."""
