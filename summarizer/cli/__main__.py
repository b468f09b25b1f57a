"""``python -m summarizer.cli``: the command line."""

from summarizer.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
