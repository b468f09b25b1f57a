"""The one door to instructor (:mod:`summarizer.llm.structured`), pinned per mode.

The request bodies below are literals: what instructor's handlers build for a small model
and fixed messages. The cassettes match request bodies as JSON, so an instructor release
that builds a different body (another schema layout, another prompt in ``json`` mode,
another re-ask message) must fail here first, loudly, rather than as a cassette miss.
Parsing and re-asking run on completions shaped like the recorded ones (llama.cpp's JSON
answers; OpenAI's tool calls).
"""

from __future__ import annotations

import copy
import json
from typing import Any, get_args

import pytest
from pydantic import BaseModel, Field, ValidationError

from summarizer.llm.config import Mode
from summarizer.llm.http import read_completion
from summarizer.llm.structured import NOT_FIT, Incomplete, Structured, ready


class City(BaseModel):
    """A city and its population."""

    name: str = Field(description="The city's name")
    population: int


MESSAGES = [
    {"role": "system", "content": "You extract facts."},
    {"role": "user", "content": "Paris has 2,100,000 inhabitants."},
]
OPTIONS = {"model": "m", "max_tokens": 1400, "temperature": 0.0, "seed": 0}

SCHEMA = {
    "description": "A city and its population.",
    "properties": {
        "name": {"description": "The city's name", "title": "Name", "type": "string"},
        "population": {"title": "Population", "type": "integer"},
    },
    "required": ["name", "population"],
    "title": "City",
    "type": "object",
}

TOOLS_REQUEST = {
    "messages": MESSAGES,
    **OPTIONS,
    "tools": [
        {
            "type": "function",
            "function": {
                "name": "City",
                "description": "A city and its population.",
                "parameters": {
                    "properties": {
                        "name": {
                            "description": "The city's name",
                            "title": "Name",
                            "type": "string",
                        },
                        "population": {"title": "Population", "type": "integer"},
                    },
                    "required": ["name", "population"],
                    "type": "object",
                },
            },
        }
    ],
    "tool_choice": {"type": "function", "function": {"name": "City"}},
}

JSON_SCHEMA_REQUEST = {
    "messages": MESSAGES,
    **OPTIONS,
    "response_format": {"type": "json_schema", "json_schema": {"name": "City", "schema": SCHEMA}},
}

JSON_SYSTEM = (
    "You extract facts.\n"
    "\n"
    "\n"
    "            As a genius expert, your task is to understand the content and provide\n"
    "            the parsed objects in json that match the following json_schema:\n"
    "\n"
    "\n"
    "            {\n"
    '  "description": "A city and its population.",\n'
    '  "properties": {\n'
    '    "name": {\n'
    '      "description": "The city\'s name",\n'
    '      "title": "Name",\n'
    '      "type": "string"\n'
    "    },\n"
    '    "population": {\n'
    '      "title": "Population",\n'
    '      "type": "integer"\n'
    "    }\n"
    "  },\n"
    '  "required": [\n'
    '    "name",\n'
    '    "population"\n'
    "  ],\n"
    '  "title": "City",\n'
    '  "type": "object"\n'
    "}\n"
    "\n"
    "            Make sure to return an instance of the JSON, not the schema itself\n"
)

JSON_REQUEST = {
    "messages": [{"role": "system", "content": JSON_SYSTEM}, MESSAGES[1]],
    **OPTIONS,
    "response_format": {"type": "json_object"},
}

JSON_WITH_SCHEMA_REQUEST = {
    "messages": MESSAGES,
    **OPTIONS,
    "response_format": {"type": "json_object", "schema": SCHEMA},
}

REQUESTS: dict[Mode, dict[str, Any]] = {
    "tools": TOOLS_REQUEST,
    "json_schema": JSON_SCHEMA_REQUEST,
    "json": JSON_REQUEST,
    "json_with_schema": JSON_WITH_SCHEMA_REQUEST,
}
MODES = list(REQUESTS)


def answer(mode: Mode, text: str, finish_reason: str = "stop") -> Any:
    """A chat completion answering ``text`` as the server sends it (raw bytes, read as
    the backend reads them): a tool call in ``tools`` mode, else the message content."""
    if mode == "tools":
        call = {"id": "call_1", "type": "function", "function": {"name": "City", "arguments": text}}
        message: dict[str, Any] = {"role": "assistant", "content": None, "tool_calls": [call]}
    else:
        message = {"role": "assistant", "content": text}
    body = {
        "id": "chatcmpl-3bd9d484-13e4-43dc-942e-620865e18c8f",
        "object": "chat.completion",
        "created": 1795455064,
        "model": "qwen2.5-coder-1.5b-instruct-q4_k_m",
        "choices": [
            {"index": 0, "message": message, "logprobs": None, "finish_reason": finish_reason}
        ],
        "usage": {"prompt_tokens": 120, "completion_tokens": 14, "total_tokens": 134},
    }
    return read_completion(json.dumps(body).encode())


GOOD = '{"name": "Paris", "population": 2100000}'
BAD = '{"name": "Paris", "population": "many"}'


@pytest.mark.parametrize("mode", MODES)
def test_the_request_body_per_mode(mode: Mode) -> None:
    messages = copy.deepcopy(MESSAGES)
    request = Structured(mode).request(messages, City, OPTIONS)
    assert request == REQUESTS[mode]
    assert json.loads(json.dumps(request)) == request  # plain JSON, as posted
    assert messages == MESSAGES  # the caller's messages are not touched


@pytest.mark.parametrize("mode", MODES)
def test_the_request_is_the_same_every_time(mode: Mode) -> None:
    # The schema is generated once per model class (ready()); every caller gets a copy.
    structured = Structured(mode)
    first = structured.request(MESSAGES, City, OPTIONS)
    first_copy = copy.deepcopy(first)
    for key in ("tools", "response_format"):
        if key in first:
            first[key].clear()  # a caller changing its request changes no later one
    assert structured.request(MESSAGES, City, OPTIONS) == first_copy == REQUESTS[mode]


@pytest.mark.parametrize("mode", MODES)
def test_parse_a_fitting_answer(mode: Mode) -> None:
    value = Structured(mode).parse(answer(mode, GOOD), City)
    assert isinstance(value, City)
    assert value.model_dump() == {"name": "Paris", "population": 2100000}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("text", [BAD, '{"name": "Paris"', "not json", ""])
def test_an_answer_that_does_not_fit_raises_one_of_not_fit(mode: Mode, text: str) -> None:
    with pytest.raises(NOT_FIT):
        Structured(mode).parse(answer(mode, text), City)


@pytest.mark.parametrize("mode", MODES)
def test_an_answer_cut_at_max_tokens_is_incomplete(mode: Mode) -> None:
    with pytest.raises(Incomplete) as info:
        Structured(mode).parse(answer(mode, '{"name": "Par', finish_reason="length"), City)
    assert not isinstance(info.value, NOT_FIT)  # never re-asked as a misfit


def _reask_messages(mode: Mode, error: str) -> list[dict[str, Any]]:
    """What instructor appends to the request for a re-ask, per mode."""
    if mode == "tools":
        call = {"id": "call_1", "type": "function", "function": {"name": "City", "arguments": BAD}}
        return [
            {"role": "assistant", "content": "", "tool_calls": [call]},
            {
                "role": "tool",
                "tool_call_id": "call_1",
                "name": "City",
                "content": f"Validation Error found:\n{error}\n"
                "Recall the function correctly, fix the errors",
            },
        ]
    return [
        {"role": "assistant", "content": BAD},
        {
            "role": "user",
            "content": f"Correct your JSON ONLY RESPONSE, based on the following errors:\n{error}",
        },
    ]


@pytest.mark.parametrize("mode", MODES)
def test_reask_appends_the_answer_and_the_error(mode: Mode) -> None:
    structured = Structured(mode)
    request = structured.request(MESSAGES, City, OPTIONS)
    before = copy.deepcopy(request)
    completion = answer(mode, BAD)
    with pytest.raises(NOT_FIT) as info:
        structured.parse(completion, City)
    assert isinstance(info.value, ValidationError)
    error = str(info.value)  # pydantic's text (it names its version); the frame is pinned
    assert "population\n  Input should be a valid integer" in error

    reasked = structured.reask(request, completion, info.value)

    expected = copy.deepcopy(REQUESTS[mode])
    expected["messages"] = [*expected["messages"], *_reask_messages(mode, error)]
    assert reasked == expected
    assert json.loads(json.dumps(reasked)) == reasked
    assert request == before  # the request re-asked is left as it was


def test_ready_wraps_a_model_once_and_keeps_its_schema() -> None:
    assert ready(City) is ready(City)
    assert issubclass(ready(City), City)
    assert ready(City).__name__ == "City" and ready(City).__doc__ == City.__doc__
    assert ready(City).model_json_schema() == City.model_json_schema() == SCHEMA
    schema = ready(City).model_json_schema()
    schema.clear()  # callers get a copy
    assert ready(City).model_json_schema() == SCHEMA


def test_the_modes_are_the_configs_modes() -> None:
    assert sorted(MODES) == sorted(get_args(Mode))
    assert repr(Structured("json")) == "Structured('json')"
