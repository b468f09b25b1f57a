"""Events: briefs of many articles in, one :class:`~summarizer.types.EventRecord` per
real-world event out.

- :mod:`.entities` (with :mod:`.countries`): names and their canonical forms;
- :mod:`.features` and :mod:`.group`: what a document shows, what a pair of documents
  shares, and the grouping;
- :mod:`.merge`: one group's briefs merged into a record: the facts kind by kind
  (:mod:`.facts`), their sources and spans (:mod:`.provenance`), the conflicts between
  sources (:mod:`.conflicts`);
- :mod:`.consolidate`: :func:`consolidate` and the incremental :class:`EventIndex`;
- :mod:`.adjudicate`: the LLM settles the cases the rules leave open (optional).
"""
