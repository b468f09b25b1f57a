"""``python -m summarizer.evaluate``: see :mod:`summarizer.evaluate`."""

import sys

from summarizer.evaluate import main

sys.exit(main())
