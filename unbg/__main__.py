"""``python -m unbg``: the command line."""

from .native.cli import main

raise SystemExit(main())
