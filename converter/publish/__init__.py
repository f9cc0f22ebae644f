"""The site stage: docs/ -> site/ with MkDocs, in shards for a large corpus, and its search indexes."""
