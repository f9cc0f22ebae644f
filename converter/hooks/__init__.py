"""MkDocs hooks, loaded by path from mkdocs.yml: standard library and PyYAML only,
no package-relative imports, no module named after a standard-library one."""
