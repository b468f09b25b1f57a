"""summarizer: source-grounded news briefs with an LLM.

>>> from summarizer import Article, LLMConfig, extract_brief
>>> brief = extract_brief(Article(id="a1", text=...), LLMConfig.from_env())

Every item of a :class:`Brief` carries :class:`Span` evidence with
``article.text[span.start:span.end] == span.text``.
"""

from .backend import Backend, Completion, OpenAIBackend, ScriptedBackend
from .config import LLMConfig, Mode
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
from .prompts import Prompt, load_prompt
from .types import (
    Article,
    Brief,
    BriefMeta,
    Commitment,
    Diagnostics,
    DroppedItem,
    EventInfo,
    Figure,
    Mention,
    Participant,
    Quote,
    Span,
    Topic,
    Usage,
)

__version__ = "0.1.0"

__all__ = [
    "Aligner",
    "Article",
    "Backend",
    "BackendError",
    "Brief",
    "BriefMeta",
    "Commitment",
    "Completion",
    "ConfigError",
    "Diagnostics",
    "DroppedItem",
    "EventInfo",
    "Extractor",
    "Figure",
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
    "RunError",
    "RunawayOutputError",
    "ScriptedBackend",
    "Span",
    "SummarizerError",
    "Topic",
    "Usage",
    "UsageError",
    "__version__",
    "aextract_brief",
    "aextract_briefs",
    "align",
    "extract_brief",
    "extract_briefs",
    "load_articles",
    "load_prompt",
    "resolve_date",
]
