"""Fake APIs (test doubles) for the local HTTP server and the sample generator."""
