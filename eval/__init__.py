"""Relevance evaluation: `python -m eval` (`make eval`)."""
