"""Online sources: fetch a municipality's layers from PDOK, OpenStreetMap and the DSO APIs.

Every fetcher downloads into a cache folder and writes files that the ordinary loaders in
:mod:`layers` read, so fetched data takes exactly the same path as a file the user picks. No
fetcher touches a project; :mod:`projects.fetch` stores what was fetched, one layer per
transaction, with its source URL and retrieval date.

Modules: ``config`` (services.toml + overrides), ``http`` (the one HTTP client: timeouts,
retries with backoff, cancellation, resumable downloads), ``pages`` (checkpointed paging),
``area`` (gemeente or bbox), and one module per service: ``gebieden``, ``bag_ogc``,
``overpass``, ``plannen``, ``cbs_wfs``, ``brt``.
"""
