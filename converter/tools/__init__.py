"""Contributor and maintainer commands: check, add, eval."""
