"""`python -m indexer build|add|search ...`."""
import sys

from indexer.cli import main

sys.exit(main())
