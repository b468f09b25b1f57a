"""Output: views of briefs and events for people and tools (HTML, Markdown, report,
pandas frames). Nothing upstream imports this package."""
