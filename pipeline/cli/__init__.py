"""The ``sohoa`` command. Messages to people are Vietnamese; JSON goes to standard output."""
