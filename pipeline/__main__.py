"""``python -m pipeline``: the same as the ``sohoa`` command."""

from pipeline.cli.main import main

if __name__ == "__main__":
    main()
