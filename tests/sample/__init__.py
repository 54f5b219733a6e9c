"""The bundled sample's generator: a deterministic universe of records, recorded through the
fake APIs (``python -m tests.sample.generate``)."""
