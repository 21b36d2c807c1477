"""``python -m unbg``: the command line."""

from .cli import main

raise SystemExit(main())
