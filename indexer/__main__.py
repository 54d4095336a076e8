"""`python -m indexer build|add|search ...`."""
import sys

from indexer.cli import main

if __name__ == "__main__":  # a process `multiprocessing` spawns imports this module again
    sys.exit(main())
