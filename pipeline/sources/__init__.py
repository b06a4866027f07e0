"""Source adapters: read one export file into text columns, then shape it into canonical records.

Readers (:mod:`.csv_reader`, :mod:`.xlsx_reader`) return every cell as text with the row number a
spreadsheet user sees; :func:`prepare_frame` checks the mapped columns, drops blank and footer rows
and keeps only the mapped columns. Shapes (:mod:`.wide`, :mod:`.long`, :mod:`.generic`) and
:mod:`.routing` turn a mapping into record plans that :mod:`.fields` compiles to DuckDB SQL.
"""

from pipeline.sources.errors import IngestError

__all__ = ["IngestError"]
