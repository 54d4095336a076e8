"""Shared fixtures: tiny indexes built in temporary directories from articles the tests own."""
