"""The table of names the checker looks for, generated from hw1.check.names (a Sphinx extension).

``docs/check.md`` writes

    ```{hw1-check-names}
    ```

and gets one row per name of :data:`hw1.check.names.ANSWERS`: question, signature and
conventions, with a link to the ``hw1`` answer it mirrors. The checker and the starter
notebook read the same table, so the page cannot drift from them.
"""

from __future__ import annotations

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.util.docutils import SphinxDirective

import hw1.check.names
from hw1.check.names import ANSWERS, Answer


def _reference(path: str) -> str:
    role = "py:class" if path.rsplit(".", 1)[-1][:1].isupper() else "py:func"
    return f"{{{role}}}`{path}`"


def row(answer: Answer) -> str:
    """Return one Markdown table row: question, signature, conventions and the hw1 answer."""
    conventions = answer.conventions.replace("|", "\\|")
    references = ", ".join(_reference(path) for path in answer.references)
    return f"| {answer.question} | `{answer.signature}` | {conventions} As {references}. |"


def table_markdown(answers: tuple[Answer, ...] = ANSWERS) -> str:
    """Return the whole table as MyST Markdown."""
    lines = ["| Question | Name and signature | Conventions |", "|---|---|---|"]
    return "\n".join(lines + [row(answer) for answer in answers])


class CheckNames(SphinxDirective):
    """The ``hw1-check-names`` directive: the table, parsed as Markdown in a MyST page."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        """Parse the generated table in place."""
        self.env.note_dependency(__file__)
        self.env.note_dependency(hw1.check.names.__file__)  # rebuild the page when it changes
        container = nodes.container()
        text = StringList(table_markdown().splitlines(), source="hw1.check.names.ANSWERS")
        self.state.nested_parse(text, self.content_offset, container)
        return container.children


def setup(app):
    """Register the directive."""
    app.add_directive("hw1-check-names", CheckNames)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
