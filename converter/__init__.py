"""Policy library converter: scraped government pages -> structured Markdown."""

__version__ = "0.1.0"
