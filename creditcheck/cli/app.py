"""启动终端界面。"""

from __future__ import annotations

from pathlib import Path

import click


def run_app(data: Path | None) -> None:
    click.echo("终端界面尚未完成。", err=True)


def register(main: click.Group) -> None:
    pass
