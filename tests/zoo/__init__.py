"""The template zoo: the text of every real page in ../shared/corpus re-wrapped in the markup
idioms of the content systems Chinese government sites run (see idioms.py). The pages are
generated at test or eval time from the corpus, never stored in the project."""
