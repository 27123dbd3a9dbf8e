"""The checker's results: a :class:`~hw1.check.Report` of one result per name found.

Each result is a :class:`~hw1.check.CheckResult`. Imports no PyTorch.
"""

from __future__ import annotations

import dataclasses
import html
import textwrap

from hw1.check.names import NAMES

__all__ = ["CheckResult", "Report", "indented", "status_of"]


@dataclasses.dataclass
class CheckResult:
    """The outcome of checking one function.

    Attributes
    ----------
    name : str
        The function's name, e.g. ``"manual_gradients"``.
    passed : bool
        Whether every case matched the oracle (``False`` when not attempted).
    message : str
        What was found: the mistake, named where it is a known one, or what passed.
    cases : int
        How many test cases ran.
    seconds : float
        Wall time of the check.
    attempted : bool
        ``False`` when the function is still a stub: its first call raised
        ``NotImplementedError``. Such a check is neither passed nor failed.
    mistake : str or None
        The short name of the classic mistake found (e.g. ``"missing 1/N"``), if one was.
    """

    name: str
    passed: bool
    message: str
    cases: int
    seconds: float = 0.0
    attempted: bool = True
    mistake: str | None = None

    @property
    def status(self) -> str:
        """Return ``"pass"``, ``"fail"`` or ``"not attempted"``."""
        return status_of(self)

    def to_dict(self) -> dict[str, object]:
        """Return the JSON record of the check (its fields but ``seconds``)."""
        return {
            "name": self.name,
            "passed": self.passed,
            "attempted": self.attempted,
            "message": self.message,
            "cases": self.cases,
            "mistake": self.mistake,
        }


def status_of(result: CheckResult) -> str:
    """Return ``"pass"``, ``"fail"`` or ``"not attempted"`` for one result."""
    if not result.attempted:
        return "not attempted"
    return "pass" if result.passed else "fail"


_LABEL = {"pass": "PASS", "fail": "FAIL", "not attempted": "TODO"}


@dataclasses.dataclass
class Report:
    """Everything a check found: one :class:`~hw1.check.CheckResult` per function found.

    Its text form (``str(report)``) is the command's report; in a notebook it is shown
    as an HTML table (``_repr_html_``).

    Attributes
    ----------
    source : str
        What was checked: a file path or ``"namespace"``.
    checks : list of CheckResult
        One per function found, in the order the names are looked for.
    absent : list of str
        The names looked for and not found.
    notes : list of str
        Remarks on loading, e.g. notebook lines that were skipped.
    error : str or None
        Why the file could not be loaded (with its traceback), or ``None``.
    """

    source: str
    checks: list[CheckResult] = dataclasses.field(default_factory=list)
    absent: list[str] = dataclasses.field(default_factory=list)
    notes: list[str] = dataclasses.field(default_factory=list)
    error: str | None = None

    @property
    def attempted(self) -> list[CheckResult]:
        """The checks of functions that are not stubs."""
        return [c for c in self.checks if c.attempted]

    @property
    def failed(self) -> list[CheckResult]:
        """The checks that failed (a stub is not attempted, not failed)."""
        return [c for c in self.checks if c.attempted and not c.passed]

    @property
    def passed(self) -> bool:
        """Whether the file loaded, defined at least one name and no attempted check failed."""
        return self.error is None and bool(self.checks) and not self.failed

    @property
    def exit_code(self) -> int:
        """Return 0 (no check fails), 1 (a check fails) or 2 (not loaded, or no names)."""
        if self.error is not None or not self.checks:
            return 2
        return 1 if self.failed else 0

    def to_dict(self) -> dict[str, object]:
        """Return the ``--json`` record: passed, checks, absent, notes and error."""
        return {
            "passed": self.passed,
            "checks": [c.to_dict() for c in self.checks],
            "absent": list(self.absent),
            "notes": list(self.notes),
            "error": self.error_text(),
        }

    def error_text(self) -> str | None:
        """Return why nothing could be checked, or ``None``."""
        if self.error is not None:
            return self.error
        if not self.checks:
            return "the file defines none of the names looked for: " + ", ".join(self.absent)
        return None

    def summary(self) -> str:
        """Return the last line, e.g. ``"3 of 12 attempted: 3 passed"``."""
        n_pass = sum(c.passed for c in self.checks)
        n_fail = len(self.failed)
        tally = f"{n_pass} passed" + (f", {n_fail} failed" if n_fail else "")
        return f"{len(self.attempted)} of {len(self.checks)} attempted: {tally}"

    def __str__(self) -> str:
        """Return the human-readable report."""
        lines = [f"hw1.check: {self.source}"]
        for note in self.notes:
            first, *rest = note.splitlines() or [""]
            lines.append(f"  note: {first}")
            lines += ["    " + line for line in rest]
        error = self.error_text()
        if self.error is not None:
            lines.append("  could not load the file:")
            lines += ["    " + line for line in self.error.splitlines()]
        for c in self.checks:
            question = NAMES.get(c.name, "")
            head = f"  {_LABEL[c.status]}  {c.name:<20} {question:<6} {c.cases:>3} cases"
            lines.append(f"{head}  {c.seconds:6.2f} s")
            lines += indented(c.message, "        ")
        if self.absent and self.error is None and self.checks:
            lines.append("  not defined (not checked): " + ", ".join(self.absent))
        if error is not None:
            if self.error is None:
                lines.append(f"  {error}")
            lines.append("  nothing checked.")
        else:
            lines.append(f"  {self.summary()}.")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        esc = html.escape
        cell = 'style="text-align:left;vertical-align:top;padding:2px 8px"'
        colours = {"pass": "#1a7f37", "fail": "#cf222e", "not attempted": "#6e7781"}
        rows = []
        for c in self.checks:
            status = {"pass": "pass", "fail": "FAIL", "not attempted": "not attempted"}[c.status]
            rows.append(
                f"<tr><td {cell}><code>{esc(c.name)}</code></td>"
                f"<td {cell}>{esc(NAMES.get(c.name, ''))}</td>"
                f'<td {cell}><b style="color:{colours[c.status]}">{status}</b></td>'
                f"<td {cell}>{c.cases}</td>"
                f'<td {cell}><pre style="white-space:pre-wrap;margin:0">{esc(c.message)}</pre></td>'
                "</tr>"
            )
        parts = [f"<div><p><b>hw1.check</b>: {esc(self.source)}</p>"]
        parts += [
            f'<p>Note:</p><pre style="white-space:pre-wrap">{esc(note)}</pre>'
            if "\n" in note
            else f"<p>Note: {esc(note)}</p>"
            for note in self.notes
        ]
        if self.error is not None:
            parts.append(f"<p>Could not load the file:</p><pre>{esc(self.error)}</pre>")
        if rows:
            header = "".join(
                f"<th {cell}>{h}</th>" for h in ("function", "question", "result", "cases", "")
            )
            parts.append(f"<table><thead><tr>{header}</tr></thead><tbody>")
            parts += rows
            parts.append("</tbody></table>")
        if self.absent and self.error is None:
            names = ", ".join(f"<code>{esc(n)}</code>" for n in self.absent)
            parts.append(f"<p>Not defined (not checked): {names}</p>")
        last = "Nothing checked" if self.error_text() is not None else self.summary()
        parts.append(f"<p>{esc(last)}.</p></div>")
        return "\n".join(parts)


# Users import and the docs show them as hw1.check.CheckResult and hw1.check.Report.
CheckResult.__module__ = Report.__module__ = "hw1.check"


def indented(message: str, indent: str, width: int = 88) -> list[str]:
    """Indent a message, wrapping its prose lines (a traceback is left as it is)."""
    if "Traceback" in message or "File " in message:
        return [indent + line for line in message.splitlines()]
    lines = []
    for line in message.splitlines():
        lines += textwrap.wrap(line, width, initial_indent=indent, subsequent_indent=indent + "  ")
    return lines
