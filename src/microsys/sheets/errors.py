"""The one error of the spreadsheet reader: what cannot be read, and where."""

from __future__ import annotations


class SheetError(ValueError):
    """A file, row or cell that cannot be read exactly.

    ``row`` is the 1-based line of the file where the row starts (the header is
    row 1), ``column`` the column's name from the header and ``col`` the 1-based
    character position of the cell on that line, for editors. A value parser
    raises it without a position; the table reader adds the position with
    :meth:`at`.
    """

    def __init__(
        self,
        message: str,
        hint: str | None = None,
        row: int | None = None,
        column: str | None = None,
        col: int = 0,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.row = row
        self.column = column
        self.col = col

    def at(self, row: int | None, column: str | None = None, col: int = 0) -> SheetError:
        """The same error placed at a row (and column) of a file."""
        return SheetError(
            self.message,
            self.hint,
            row if self.row is None else self.row,
            column if self.column is None else self.column,
            col or self.col,
        )

    @property
    def where(self) -> str:
        """``row 5, column `Wait``` in plain words (empty when not placed)."""
        parts = []
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(f"column `{self.column}`")
        return ", ".join(parts)

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message
