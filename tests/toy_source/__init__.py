"""A toy source, added the way the README's "Adding a source" says: its client, declaration and
suite (``source.py``), its fake API (``fake.py``) and its dbt source and staging model (``dbt/``).
``tests/integration/test_adding_a_source.py`` shows it lands, validates and joins the lineage."""
