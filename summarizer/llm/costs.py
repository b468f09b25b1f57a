"""What a run cost: tokens, calls, cache hits, time and an estimate in US dollars.

:data:`PRICES` maps a model name to USD per one million input and output tokens (list
prices of a few OpenAI models; ``0`` for local models). A dated variant
("gpt-4o-mini-2024-07-18") is priced as its longest listed prefix ("gpt-4o-mini").
Prices change: pass your own mapping (``prices={**PRICES, "my-model": Price(1.0, 2.0)}``)
wherever a price is estimated. An unknown model has no price: ``None``, never a guess.

:class:`RunStats` summarises a run from its results: a brief from the cache counts as a
cache hit with no new tokens, calls or cost; a failure counts the calls and tokens it
spent (failed attempts and re-asks included).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

from summarizer.errors import SummarizerError
from summarizer.types import Brief, Usage

__all__ = ["PRICES", "Price", "RunStats", "estimate_cost", "price_of"]


class Price(NamedTuple):
    """USD per one million tokens."""

    input: float
    output: float


PRICES: Mapping[str, Price] = {
    # OpenAI list prices (standard tier, USD per 1M tokens).
    "gpt-5": Price(1.25, 10.00),
    "gpt-5-mini": Price(0.25, 2.00),
    "gpt-5-nano": Price(0.05, 0.40),
    "gpt-4.1": Price(2.00, 8.00),
    "gpt-4.1-mini": Price(0.40, 1.60),
    "gpt-4.1-nano": Price(0.10, 0.40),
    "gpt-4o": Price(2.50, 10.00),
    "gpt-4o-mini": Price(0.15, 0.60),
    "o4-mini": Price(1.10, 4.40),
    "o3-mini": Price(1.10, 4.40),
    "gpt-3.5-turbo": Price(0.50, 1.50),
    # Local models: the electricity is on you.
    "qwen2.5-coder-1.5b-instruct-q4_k_m": Price(0.0, 0.0),
}

BATCH_DISCOUNT = 0.5
"""The OpenAI Batch API bills half the list price."""


def price_of(model: str, prices: Mapping[str, Price] | None = None) -> Price | None:
    """The price of ``model``: exact name, else its longest listed prefix; else ``None``."""
    table = PRICES if prices is None else prices
    if model in table:
        return Price(*table[model])
    prefixes = [name for name in table if model.startswith(name)]
    return Price(*table[max(prefixes, key=len)]) if prefixes else None


def estimate_cost(
    usage: Usage,
    model: str,
    prices: Mapping[str, Price] | None = None,
    *,
    batch: bool = False,
) -> float | None:
    """USD for ``usage`` tokens of ``model`` (``None`` if its price is unknown).

    ``batch``: billed through the Batch API (half price).
    """
    price = price_of(model, prices)
    if price is None:
        return None
    cost = (usage.prompt_tokens * price.input + usage.completion_tokens * price.output) / 1e6
    return cost * (BATCH_DISCOUNT if batch else 1.0)


@dataclass(frozen=True)
class RunStats:
    """One run in numbers. ``llm_calls`` counts HTTP requests made for chat answers
    (re-asks and retries included); tokens and cost are this run's own (cache hits add 0);
    ``cost_usd`` is ``None`` when a model's price is unknown."""

    articles: int = 0
    briefs: int = 0
    failures: int = 0
    cache_hits: int = 0
    llm_calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float | None = 0.0
    wall_s: float = 0.0

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    @property
    def usage(self) -> Usage:
        return Usage(prompt_tokens=self.prompt_tokens, completion_tokens=self.completion_tokens)

    @classmethod
    def from_results(
        cls,
        results: Iterable[Brief | SummarizerError],
        *,
        model: str | None = None,
        wall_s: float = 0.0,
        prices: Mapping[str, Price] | None = None,
        batch: bool = False,
    ) -> RunStats:
        """Stats of a run's results (briefs and errors, e.g. ``extract_many``'s list).

        Briefs are priced by their own ``meta.model``; failures by ``model`` (default:
        the briefs' model, if there is just one).
        """
        articles = briefs = failures = hits = calls = 0
        by_model: dict[str | None, Usage] = {}
        for result in results:
            articles += 1
            if isinstance(result, Brief):
                briefs += 1
                if result.meta.cached:
                    hits += 1
                    continue
                calls += result.meta.attempts
                name: str | None = result.meta.model
                spent = result.meta.usage
            else:
                failures += 1
                calls += int(getattr(result, "attempts", 0) or 0)
                name = model
                spent = getattr(result, "usage", None) or Usage()
            by_model[name] = by_model.get(name, Usage()) + spent
        if None in by_model:
            known = {name for name in by_model if name is not None}
            fallback = model or (known.pop() if len(known) == 1 else None)
            unpriced = by_model.pop(None)
            if fallback is not None:
                by_model[fallback] = by_model.get(fallback, Usage()) + unpriced
            elif unpriced.total_tokens:
                by_model[None] = unpriced
        total = Usage()
        cost: float | None = 0.0
        for name, spent in by_model.items():
            total = total + spent
            each = estimate_cost(spent, name, prices, batch=batch) if name is not None else None
            if each is None and spent.total_tokens:
                cost = None
            elif cost is not None and each is not None:
                cost += each
        return cls(
            articles=articles,
            briefs=briefs,
            failures=failures,
            cache_hits=hits,
            llm_calls=calls,
            prompt_tokens=total.prompt_tokens,
            completion_tokens=total.completion_tokens,
            cost_usd=cost,
            wall_s=round(wall_s, 3),
        )

    def table(self) -> str:
        """A small plain-text table (one ``name  value`` line each)."""
        cost = "unknown" if self.cost_usd is None else f"${self.cost_usd:.4f}"
        rows = [
            ("articles", f"{self.articles}"),
            ("briefs", f"{self.briefs} ({self.cache_hits} from cache)"),
            ("failures", f"{self.failures}"),
            ("LLM calls", f"{self.llm_calls}"),
            (
                "tokens",
                f"{self.total_tokens:,} ({self.prompt_tokens:,} in, "
                f"{self.completion_tokens:,} out)",
            ),
            ("cost", cost),
            ("wall time", f"{self.wall_s:.1f} s"),
        ]
        return "\n".join(f"{name:<10} {value}" for name, value in rows)
