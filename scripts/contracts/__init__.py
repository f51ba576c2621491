"""Documents generated from the code (``make contracts openapi client``).

- :mod:`scripts.contracts.asyncapi`: ``docs/asyncapi.yaml`` (AsyncAPI 3.0) from the event catalogue
  ``shared/contracts/events.py``;
- :mod:`scripts.contracts.events_table`: the event and queue tables of ``docs/CONTRACTS.md``;
- :mod:`scripts.contracts.openapi`: ``docs/openapi/<service>.json`` from each service's app;
- :mod:`scripts.contracts.client`: the Python clients ``clients/<service>_client`` generated from
  those documents with openapi-python-client.

Every output is deterministic, so that the tests in ``tests/contracts`` can compare the committed
files with a fresh generation.
"""
