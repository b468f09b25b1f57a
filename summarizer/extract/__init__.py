"""Extraction: one article in, one grounded :class:`~summarizer.types.Brief` out.

In the order a brief is made:

- :mod:`.schema`: what the model is asked to fill (the draft; the prompts are
  :mod:`summarizer.prompts`);
- :mod:`.guard`: what is sent: an article fit to send, framed as data (injected
  instructions masked);
- :mod:`.extractor`: :class:`Extractor` (the article as numbered sentences, the call,
  the cache, concurrency);
- :mod:`.checks`: per-item checks of the cited sentences (:mod:`.ground` aligns what is
  quoted, such as a place or a date, exactly, normalised or fuzzily);
- :mod:`.speakers`: who said each quotation; :mod:`.participants`: who took part (the
  model's, completed from the lead); :mod:`.assemble`: the brief;
- :mod:`.dates`, :mod:`.numbers`: dates and figures the text itself fixes;
- :mod:`.cache`: the SQLite brief cache; :mod:`.batch`: the same through the Batch API.
"""

from typing import Any

from summarizer._compat import moved_attribute

_MOVED = {
    name: "summarizer.extract.extractor"
    for name in (
        "Extractor",
        "aextract_brief",
        "aextract_briefs",
        "extract_brief",
        "extract_briefs",
    )
}


def __getattr__(name: str) -> Any:  # 0.1's summarizer.extract module, for one release
    return moved_attribute(__name__, name, _MOVED)
