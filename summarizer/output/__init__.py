"""Output: views of briefs and events for people and tools. Nothing upstream imports this
package.

* :mod:`~summarizer.output.html`: :func:`brief_html`, :func:`event_html` (fragments);
* :mod:`~summarizer.output.report`: :func:`report_html` (one self-contained file);
* :mod:`~summarizer.output.markdown`: :func:`brief_markdown`, :func:`event_markdown`,
  :func:`events_markdown`;
* :mod:`~summarizer.output.evidence`: :func:`anchor_id` and the highlighting they share;
* :mod:`~summarizer.output.export`: pandas frames.

Everything that comes from an article or from the model is escaped. JSON views are
:func:`summarizer.events.consolidate.events_json` and ``Brief.model_dump_json``.

Importing this package gives :class:`~summarizer.types.Brief` and
:class:`~summarizer.types.EventRecord` their notebook views (``_repr_html_``,
``_repr_markdown_``): the data types do not import their views.
"""

from summarizer.output.evidence import anchor_id
from summarizer.output.html import brief_html, event_html
from summarizer.output.markdown import brief_markdown, event_markdown, events_markdown
from summarizer.output.report import report_html
from summarizer.types import Brief, EventRecord

__all__ = [
    "anchor_id",
    "brief_html",
    "brief_markdown",
    "event_html",
    "event_markdown",
    "events_markdown",
    "report_html",
]

Brief.notebook_views.update(html=brief_html, markdown=brief_markdown)
EventRecord.notebook_views.update(html=event_html, markdown=event_markdown)
