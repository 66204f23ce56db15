"""`python -m tutor` runs the same entry point as the `backprop-tutor` script."""

import sys

from tutor.cli import main

if __name__ == "__main__":  # not when a spawned child process imports this module
    sys.exit(main())
