"""Fetch the public sources through their APIs into the landing area: Kolada (API v3) and SCB (PxWebApi 2.0).

Each fetch writes the services' responses as they come, in the formats the loaders already read,
into new files beside the earlier ones (so the warehouse's lineage keeps every version), and
remembers in the landing area what it asked for and when, so that the next fetch asks only for
what changed. ``fetch_kolada`` and ``fetch_scb`` are plain functions returning a ``FetchReport``
that names the files written: the command line (``vardpuls fetch``) and an asset can call them alike.
"""
