"""IPython startup file for tests/test_notebook.py (copied into a temporary IPYTHONDIR).

In the notebook's kernel: every HTTP request is answered from the merged seed cassette
named by ``SUMMARIZER_REPLAY_CASSETTE`` (replay only), and ``summarizer.local_server()``
yields the embedded model's configuration without starting anything.
"""


def _install_replay() -> None:
    import contextlib
    import json
    import os

    import vcr

    import summarizer
    import summarizer.llm.local

    def as_json(body: object) -> object:
        if isinstance(body, bytes):
            body = body.decode("utf-8")
        try:
            return json.loads(body) if isinstance(body, str) else body
        except ValueError:
            return body

    def json_body(r1: object, r2: object) -> None:
        if as_json(getattr(r1, "body", None)) != as_json(getattr(r2, "body", None)):
            raise AssertionError("request bodies differ as JSON")

    replay = vcr.VCR(
        record_mode="none",
        match_on=["method", "path", "json_body"],
        decode_compressed_response=True,
    )
    replay.register_matcher("json_body", json_body)
    cassette = replay.use_cassette(os.environ["SUMMARIZER_REPLAY_CASSETTE"])
    cassette.__enter__()

    @contextlib.contextmanager
    def local_server(model_path: object = None, **kwargs: object):  # type: ignore[no-untyped-def]
        assert cassette is not None  # keeps the replay alive as long as this function
        yield summarizer.llm.local.local_config("http://127.0.0.1:9/v1")

    summarizer.local_server = local_server  # type: ignore[assignment]
    summarizer.llm.local.local_server = local_server  # type: ignore[assignment]


_install_replay()
del _install_replay
