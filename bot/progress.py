"""How far a long command-line job got ('Đang nhập: 45.000/100.000 bản ghi (45%)'), on stderr: on a terminal one
line rewritten in place with \\r; elsewhere (a pipe, a log) no updates, only the summary line at the end."""
from __future__ import annotations

import sys
import time
from typing import TextIO

REDRAW_EVERY = 0.1  # seconds between two redraws of the line on a terminal


def count(n: int) -> str:
    """100000 -> '100.000', as Vietnamese writes it."""
    return f"{n:,}".replace(",", ".")


def counted(done: int, total: int | None) -> str:
    """'45.000/100.000 bản ghi (45%)', or '45.000 bản ghi' when the total is not known (or was wrong: a workbook
    may state fewer rows than it has)."""
    if not total or done > total:
        return f"{count(done)} bản ghi"
    return f"{count(done)}/{count(total)} bản ghi ({done * 100 // total}%)"


class ProgressLine:
    """Called with (done, total) as the work goes; `finish` ends the line with a summary."""

    def __init__(self, label: str, stream: TextIO | None = None) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.started = time.perf_counter()
        self.done = 0
        self._drawn, self._width = float("-inf"), 0  # the first report is drawn at once

    def __call__(self, done: int, total: int | None) -> None:
        self.done = done
        now = time.perf_counter()
        if self.tty and (now - self._drawn >= REDRAW_EVERY or done == total):
            self._drawn = now
            self._draw(f"{self.label}: {counted(done, total)}")

    def finish(self, summary: str | None) -> None:
        """'Đã nhập 100.000 bản ghi trong 4,2 giây.': in place of the bar on a terminal, else the only line. None
        (the job stopped) only ends the bar's line, so that what is printed next starts on its own."""
        if summary is not None:
            seconds = f"{time.perf_counter() - self.started:.1f}".replace(".", ",")
            line = f"{summary} {counted(self.done, None)} trong {seconds} giây."
            if self.tty:
                self._draw(line)
            else:
                self.stream.write(line)
        if summary is not None or self._width:
            self.stream.write("\n")
        self.stream.flush()

    def _draw(self, text: str) -> None:
        """Back to the line's start and write `text`, blanking what a longer earlier text left."""
        self.stream.write("\r" + text.ljust(self._width))
        self.stream.flush()
        self._width = len(text)
