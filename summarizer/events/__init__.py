"""Events: briefs of many articles in, one :class:`~summarizer.types.EventRecord` per
real-world event out.

- :mod:`.entities`: names and their canonical forms;
- :mod:`.features` and :mod:`.group`: what a pair of articles shares, and the grouping;
- :mod:`.merge`: one group's briefs merged into a record (facts, sources, conflicts);
- :mod:`.consolidate`: :func:`consolidate` and the incremental :class:`EventIndex`;
- :mod:`.adjudicate`: the LLM settles the cases the rules leave open (optional).
"""
