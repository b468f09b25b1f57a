"""Tests for summarizer.inputs: .txt files, directories, JSON lines, and every error path."""

from __future__ import annotations

import datetime as dt
import json
import pathlib
from pathlib import Path

import pytest

from summarizer.errors import InputError, SummarizerError, UsageError
from summarizer.inputs import load_articles, read_jsonl, read_text_article
from summarizer.types import Article

TEXT = "Ministers met in Zürich and São Paulo — talks in 東京 resume “soon”.\r\nSecond line.\n"


def assert_input_error(item: object, article_id: str) -> InputError:
    """``item`` is an InputError about ``article_id`` whose message starts with its id."""
    assert isinstance(item, InputError), item
    assert isinstance(item, UsageError)
    assert isinstance(item, SummarizerError)
    assert item.article_id == article_id
    assert str(item).startswith(f"[{article_id}] ")
    return item


def write_jsonl(path: Path, records: list[object]) -> Path:
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )
    return path


# --- .txt files -------------------------------------------------------------------------


def test_txt_file_id_is_stem_and_text_is_exact(tmp_path: Path) -> None:
    path = tmp_path / "talks-2025.txt"
    path.write_bytes(TEXT.encode("utf-8"))

    article = read_text_article(path)

    assert article == Article(id="talks-2025", text=TEXT)
    # No newline translation, no stripping.
    assert article.text.endswith("“soon”.\r\nSecond line.\n")
    assert load_articles([path]) == [article]
    assert load_articles([str(path)]) == [article]


def test_txt_utf8_bom_is_stripped(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + TEXT.encode("utf-8"))

    article = read_text_article(path)

    assert article.text == TEXT
    assert not article.text.startswith("\ufeff")


@pytest.mark.parametrize("content", [b"", b"   \n\t\r\n  ", "\u3000\n".encode()])
def test_txt_empty_or_whitespace_only_is_an_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "blank.txt"
    path.write_bytes(content)

    with pytest.raises(InputError) as info:
        read_text_article(path)
    assert_input_error(info.value, "blank")
    assert "empty" in str(info.value)

    [item] = load_articles([path])
    assert_input_error(item, "blank")


def test_txt_undecodable_bytes_is_an_error_mentioning_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes(b"Caf\xe9 " + b"\xff\xfe\xfa")

    with pytest.raises(InputError) as info:
        read_text_article(path)
    error = assert_input_error(info.value, "latin")
    assert "UTF-8" in str(error)

    [item] = load_articles([path])
    assert_input_error(item, "latin")
    assert "UTF-8" in str(item)


def test_txt_binary_file_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")

    with pytest.raises(InputError) as info:
        read_text_article(path)
    assert_input_error(info.value, "image")
    assert "binary" in str(info.value)


def test_utf16_text_counts_as_binary(tmp_path: Path) -> None:
    # UTF-16 is full of NUL bytes; it must not be silently decoded as something else.
    path = tmp_path / "wide.txt"
    path.write_bytes("Hello".encode("utf-16-le"))

    [item] = load_articles([path])
    assert_input_error(item, "wide")


def test_missing_path_is_an_error(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.txt"

    [item] = load_articles([missing])

    assert_input_error(item, "nowhere")
    assert "no such file" in str(item)
    assert str(missing) in str(item)


def test_missing_jsonl_is_an_error(tmp_path: Path) -> None:
    [item] = load_articles([tmp_path / "feed.jsonl"])
    assert_input_error(item, "feed")
    assert "cannot read" in str(item)


def test_unreadable_txt_path_is_an_error(tmp_path: Path) -> None:
    # Tests run as root, where chmod 000 does not stop reading; a directory named
    # like a text file is a path that exists but cannot be read as a file.
    path = tmp_path / "x.txt"
    path.mkdir()

    with pytest.raises(InputError) as info:
        read_text_article(path)
    assert_input_error(info.value, "x")
    assert "cannot read" in str(info.value)

    # Through load_articles the directory is expanded as a directory; being empty,
    # that is an error too (never an exception, never an article).
    [item] = load_articles([path])
    assert_input_error(item, "x.txt")


def test_permission_denied_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "locked.txt"
    path.write_text("secret", encoding="utf-8")

    def denied(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(pathlib.Path, "read_bytes", denied)

    [item] = load_articles([path])
    assert_input_error(item, "locked")
    assert "Permission denied" in str(item)


# --- directories ------------------------------------------------------------------------


def test_directory_is_sorted_and_only_txt_and_jsonl(tmp_path: Path) -> None:
    (tmp_path / "c.txt").write_text("third", encoding="utf-8")
    (tmp_path / "a.txt").write_text("first", encoding="utf-8")
    write_jsonl(tmp_path / "b.jsonl", [{"id": "b1", "text": "second"}, {"id": "b2", "text": "2"}])
    (tmp_path / "notes.md").write_text("not an article", encoding="utf-8")
    (tmp_path / "data.json").write_text('{"id": "j", "text": "no"}', encoding="utf-8")
    (tmp_path / "d.TXT").write_text("upper-case suffix is not .txt", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "z.txt").write_text("in a plain subfolder", encoding="utf-8")

    items = load_articles([tmp_path])

    assert all(isinstance(i, Article) for i in items), items
    assert [(a.id, a.text) for a in items] == [  # type: ignore[union-attr]
        ("a", "first"),
        ("b1", "second"),
        ("b2", "2"),
        ("c", "third"),
    ]


def test_directory_without_articles_is_an_error(tmp_path: Path) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    (folder / "readme.md").write_text("nothing", encoding="utf-8")

    [item] = load_articles([folder])
    assert_input_error(item, "empty")


def test_several_paths_keep_their_order(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text("B", encoding="utf-8")
    (tmp_path / "a.txt").write_text("A", encoding="utf-8")

    items = load_articles([tmp_path / "b.txt", tmp_path / "a.txt"])

    assert [i.id for i in items] == ["b", "a"]  # type: ignore[union-attr]


# --- JSON lines -------------------------------------------------------------------------


def test_jsonl_all_fields(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "feed.jsonl",
        [
            {
                "id": "reuters-1",
                "text": TEXT,
                "title": "Talks resume",
                "published": "2025-09-24",
                "source": "Reuters",
                "url": "https://example.com/a",
            },
            {"id": "bare", "text": "Only text."},
        ],
    )

    items = load_articles([path])

    assert items == [
        Article(
            id="reuters-1",
            text=TEXT,
            title="Talks resume",
            published=dt.date(2025, 9, 24),
            source="Reuters",
            url="https://example.com/a",
        ),
        Article(id="bare", text="Only text."),
    ]
    assert isinstance(items[0], Article)
    assert type(items[0].published) is dt.date


def test_jsonl_bom_and_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_bytes(
        b"\xef\xbb\xbf"
        + b'{"id": "a", "text": "A"}\r\n'
        + b"\r\n   \n"
        + b'{"id": "b", "text": "B"}'  # no final newline
    )

    items = list(read_jsonl(path))

    assert items == [Article(id="a", text="A"), Article(id="b", text="B")]


def test_jsonl_broken_line_names_the_line_and_keeps_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text(
        '{"id": "a", "text": "A"}\n'
        "\n"  # line 2: blank, skipped but counted
        '{"id": "b", "text": "B"\n'  # line 3: truncated JSON
        '{"id": "c", "text": "C"}\n',
        encoding="utf-8",
    )

    items = load_articles([path])

    assert len(items) == 3
    assert items[0] == Article(id="a", text="A")
    error = assert_input_error(items[1], "feed.jsonl:3")
    assert "line 3" in str(error)
    assert "not JSON" in str(error)
    assert items[2] == Article(id="c", text="C")


@pytest.mark.parametrize("line", ["[1, 2]", '"just a string"', "42", "null"])
def test_jsonl_line_that_is_not_an_object(tmp_path: Path, line: str) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text('{"id": "a", "text": "A"}\n' + line + "\n", encoding="utf-8")

    items = load_articles([path])

    assert items[0] == Article(id="a", text="A")
    error = assert_input_error(items[1], "feed.jsonl:2")
    assert "line 2" in str(error)
    assert "not a JSON object" in str(error)


def test_jsonl_missing_text(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "feed.jsonl", [{"id": "no-text", "title": "T"}])

    [item] = load_articles([path])

    error = assert_input_error(item, "no-text")
    assert "line 1" in str(error)
    assert "text" in str(error)


def test_jsonl_missing_id_uses_the_line_as_id(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "feed.jsonl", [{"id": "a", "text": "A"}, {"text": "no id"}])

    items = load_articles([path])

    assert items[0] == Article(id="a", text="A")
    error = assert_input_error(items[1], "feed.jsonl:2")
    assert "id" in str(error)


@pytest.mark.parametrize("published", ["2025-02-30", "yesterday", "24/09/2025"])
def test_jsonl_invalid_date(tmp_path: Path, published: str) -> None:
    path = write_jsonl(
        tmp_path / "feed.jsonl", [{"id": "bad-date", "text": "T", "published": published}]
    )

    [item] = load_articles([path])

    error = assert_input_error(item, "bad-date")
    assert "published" in str(error)
    assert "line 1" in str(error)


@pytest.mark.parametrize("text", ["", "   ", "\n\t\n"])
def test_jsonl_empty_text(tmp_path: Path, text: str) -> None:
    path = write_jsonl(
        tmp_path / "feed.jsonl", [{"id": "empty", "text": text}, {"id": "ok", "text": "fine"}]
    )

    items = load_articles([path])

    error = assert_input_error(items[0], "empty")
    assert "empty" in str(error)
    assert items[1] == Article(id="ok", text="fine")


def test_jsonl_text_with_unicode_line_separators_is_one_article(tmp_path: Path) -> None:
    # JSON allows U+2028, U+2029 and U+0085 unescaped inside strings, and
    # json.dumps(ensure_ascii=False) writes them so. JSON Lines splits on "\n" only;
    # each of these records is a single valid line.
    texts = ["one\u2028two", "three\u2029four", "five\x85six"]
    path = write_jsonl(
        tmp_path / "feed.jsonl", [{"id": f"a{i}", "text": t} for i, t in enumerate(texts)]
    )
    assert path.read_bytes().count(b"\n") == 3

    items = load_articles([path])

    assert items == [Article(id=f"a{i}", text=t) for i, t in enumerate(texts)]


def test_jsonl_undecodable_line_is_an_error_in_its_place(tmp_path: Path) -> None:
    # "Reading never stops at a bad article": one bad byte on line 2 must not lose
    # lines 1 and 3.
    path = tmp_path / "feed.jsonl"
    path.write_bytes(
        b'{"id": "a", "text": "A"}\n'
        b'{"id": "b", "text": "caf\xff\xfe\xfa"}\n'
        b'{"id": "c", "text": "C"}\n'
    )

    items = load_articles([path])

    assert len(items) == 3, items
    assert items[0] == Article(id="a", text="A")
    assert isinstance(items[1], InputError)
    assert items[1].article_id in {"feed.jsonl:2", "b"}
    assert str(items[1]).startswith(f"[{items[1].article_id}] ")
    assert "utf-8" in str(items[1]).lower()
    assert items[2] == Article(id="c", text="C")


# --- duplicate ids ----------------------------------------------------------------------


def test_duplicate_ids_across_files_first_is_kept(tmp_path: Path) -> None:
    (tmp_path / "dup.txt").write_text("from the txt file", encoding="utf-8")
    feed = write_jsonl(
        tmp_path / "feed.jsonl",
        [
            {"id": "other", "text": "other"},
            {"id": "dup", "text": "from the jsonl file"},
            {"id": "other", "text": "again"},
        ],
    )

    items = load_articles([tmp_path / "dup.txt", feed])

    assert len(items) == 4
    assert items[0] == Article(id="dup", text="from the txt file")
    assert items[1] == Article(id="other", text="other")
    error = assert_input_error(items[2], "dup")
    assert "duplicate" in str(error)
    error = assert_input_error(items[3], "other")
    assert "duplicate" in str(error)


def test_same_file_twice_is_a_duplicate(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("A", encoding="utf-8")

    items = load_articles([path, path])

    assert items[0] == Article(id="a", text="A")
    assert_input_error(items[1], "a")
