"""sohoa: turn the paper of one-stop public-service centres into trusted, reusable records.

The package is a one-way pipeline of small stages (intake -> text -> searchable PDF -> store);
each stage takes and returns plain dataclasses from :mod:`pipeline.models`, so the same stage
runs in-process or inside a distributed worker unchanged.
"""

__version__ = "0.1.0"
