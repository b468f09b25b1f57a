"""summarizer: source-grounded news briefs with an LLM.

>>> from summarizer import Article, LLMConfig, extract_brief
>>> brief = extract_brief(Article(id="a1", text=...), LLMConfig.from_env())

Every item of a :class:`Brief` carries :class:`Span` evidence with
``article.text[span.start:span.end] == span.text``.
"""

from typing import Any

from summarizer import _compat
from summarizer.errors import (
    BackendError,
    ConfigError,
    InputError,
    LocalModelError,
    OutputError,
    PromptError,
    RunawayOutputError,
    RunError,
    SummarizerError,
    UsageError,
)
from summarizer.events.consolidate import EventIndex, consolidate, consolidate_json, events_json
from summarizer.extract.batch import BatchJob, BatchResult, arun_batch, run_batch
from summarizer.extract.cache import Cache, default_cache_path
from summarizer.extract.dates import resolve_date
from summarizer.extract.extractor import (
    Extractor,
    aextract_brief,
    aextract_briefs,
    extract_brief,
    extract_briefs,
)
from summarizer.extract.ground import Aligner, align
from summarizer.inputs import load_articles
from summarizer.llm.backend import Backend, Completion, OpenAIBackend
from summarizer.llm.config import LLMConfig, Mode, Transport
from summarizer.llm.costs import Price, RunStats, estimate_cost
from summarizer.llm.local import ensure_model, local_server
from summarizer.llm.ratelimit import RateLimiter
from summarizer.output import (
    anchor_id,
    brief_html,
    brief_markdown,
    event_html,
    event_markdown,
    events_markdown,
    report_html,
)
from summarizer.output.export import (
    briefs_frame,
    commitments_frame,
    events_frame,
    participants_frame,
)
from summarizer.pipeline import RunResult, asummarize, summarize
from summarizer.prompts import Prompt, load_prompt
from summarizer.types import (
    Adjudication,
    Article,
    Brief,
    BriefMeta,
    Change,
    Commitment,
    CommitmentRecord,
    Conflict,
    ConflictValue,
    Diagnostics,
    DroppedItem,
    EntityRecord,
    EventInfo,
    EventRecord,
    Figure,
    FigureRecord,
    Mention,
    Participant,
    Quote,
    QuoteRecord,
    SourceSpan,
    Span,
    Topic,
    TopicRecord,
    Usage,
)

__version__ = "0.2.0"

_compat.install()


def __getattr__(name: str) -> Any:  # moved in 0.2, for one release
    return _compat.moved_attribute(__name__, name, {"ScriptedBackend": "summarizer.testing"})


__all__ = [
    "Adjudication",
    "Aligner",
    "Article",
    "Backend",
    "BackendError",
    "BatchJob",
    "BatchResult",
    "Brief",
    "BriefMeta",
    "Cache",
    "Change",
    "Commitment",
    "CommitmentRecord",
    "Completion",
    "ConfigError",
    "Conflict",
    "ConflictValue",
    "Diagnostics",
    "DroppedItem",
    "EntityRecord",
    "EventIndex",
    "EventInfo",
    "EventRecord",
    "Extractor",
    "Figure",
    "FigureRecord",
    "InputError",
    "LLMConfig",
    "LocalModelError",
    "Mention",
    "Mode",
    "OpenAIBackend",
    "OutputError",
    "Participant",
    "Price",
    "Prompt",
    "PromptError",
    "Quote",
    "QuoteRecord",
    "RateLimiter",
    "RunError",
    "RunResult",
    "RunStats",
    "RunawayOutputError",
    "SourceSpan",
    "Span",
    "SummarizerError",
    "Topic",
    "TopicRecord",
    "Transport",
    "Usage",
    "UsageError",
    "__version__",
    "aextract_brief",
    "aextract_briefs",
    "align",
    "anchor_id",
    "arun_batch",
    "asummarize",
    "brief_html",
    "brief_markdown",
    "briefs_frame",
    "commitments_frame",
    "consolidate",
    "consolidate_json",
    "default_cache_path",
    "ensure_model",
    "estimate_cost",
    "event_html",
    "event_markdown",
    "events_frame",
    "events_json",
    "events_markdown",
    "extract_brief",
    "extract_briefs",
    "load_articles",
    "load_prompt",
    "local_server",
    "participants_frame",
    "report_html",
    "resolve_date",
    "run_batch",
    "summarize",
]
