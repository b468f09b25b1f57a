"""summarizer: source-grounded news briefs with an LLM.

>>> from summarizer import Article, LLMConfig, extract_brief
>>> brief = extract_brief(Article(id="a1", text=...), LLMConfig.from_env())

Every item of a :class:`Brief` carries :class:`Span` evidence with
``article.text[span.start:span.end] == span.text``.
"""

from .backend import Backend, Completion, OpenAIBackend, ScriptedBackend
from .config import LLMConfig, Mode
from .consolidate import EventIndex, consolidate, consolidate_json
from .dates import resolve_date
from .errors import (
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
from .extract import Extractor, aextract_brief, aextract_briefs, extract_brief, extract_briefs
from .ground import Aligner, align
from .inputs import load_articles
from .local import ensure_model, local_server
from .pipeline import RunResult, asummarize, summarize
from .prompts import Prompt, load_prompt
from .types import (
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

__version__ = "0.1.0"

__all__ = [
    "Adjudication",
    "Aligner",
    "Article",
    "Backend",
    "BackendError",
    "Brief",
    "BriefMeta",
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
    "Prompt",
    "PromptError",
    "Quote",
    "QuoteRecord",
    "RunError",
    "RunResult",
    "RunawayOutputError",
    "ScriptedBackend",
    "SourceSpan",
    "Span",
    "SummarizerError",
    "Topic",
    "TopicRecord",
    "Usage",
    "UsageError",
    "__version__",
    "aextract_brief",
    "aextract_briefs",
    "align",
    "asummarize",
    "consolidate",
    "consolidate_json",
    "ensure_model",
    "extract_brief",
    "extract_briefs",
    "load_articles",
    "load_prompt",
    "local_server",
    "resolve_date",
    "summarize",
]
