"""The log service: a durable store, ingestion, and an HTTP API over the same record schema.

Needs the ``service`` extra (``pip install 'logframe[service]'``): deltalake for the store, FastAPI
and uvicorn for the server. A notebook opens the service's store with :func:`open_store`.
"""

from logframe.service.store import Store, open_store

__all__ = ["Store", "open_store"]
