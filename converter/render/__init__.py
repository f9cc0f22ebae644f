"""Stage 6: PolicyDocument -> Markdown: document pages, cross-links, timeline, site pages, feed."""
