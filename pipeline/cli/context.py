"""Settings shared by all subcommands, loaded once per invocation."""

from __future__ import annotations

import typer

from pipeline.config import Settings, load_settings


def settings_from(ctx: typer.Context) -> Settings:
    root = ctx.find_root()
    if not isinstance(root.obj, Settings):
        root.obj = load_settings()
    return root.obj
