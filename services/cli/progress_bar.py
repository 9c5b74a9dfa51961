"""A progress bar on stderr with rows done, rate and time left; silent when not a terminal."""

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text


class RateColumn(ProgressColumn):
    def render(self, task: Task) -> Text:
        speed = task.speed
        if task.finished and task.elapsed:
            speed = task.completed / task.elapsed
        return Text(f"{speed:,.0f} rows/s" if speed else "– rows/s", style="progress.data.speed")


def rows_progress(console: Console, enabled: bool = True) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
        disable=not (enabled and console.is_terminal),
    )
