"""Search across the portal: one index table (ea_portal.search.models.SearchEntry) of examples, resources, FAQs,
newsletter issues, themes and partnerships.

- sources: what each kind of content puts in the index, and who may see it;
- indexing: writing entries (one object, a batch, or a full rebuild);
- signals: keeping the index in step with every save and delete;
- query: the search itself (PostgreSQL full-text search, or simple matching on SQLite), facets and snippets,
  reading the index table alone (visibility and facets are columns of its rows);
- related: "related examples" for a learning example, stored (RelatedExample) and recomputed when examples
  change, by a task on the worker (tasks).
"""
