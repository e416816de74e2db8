"""Run microsys as ``python -m microsys``."""

from microsys.cli import main

if __name__ == "__main__":
    main()
