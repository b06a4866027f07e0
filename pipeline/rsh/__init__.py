"""The Regulator of Social Housing's published TSM data: extracting each edition, reading it back.

- :mod:`pipeline.rsh.workbook`: reading any edition of the full-data workbook (sheets, header rows
  and Data Dictionary found by content);
- :mod:`pipeline.rsh.tables`: which sheet holds which dictionary table, and how a data sheet is
  laid out (a stock-type group row; one row per landlord and stock type);
- :mod:`pipeline.rsh.fields`: the field codes the product uses and how a column title gives one;
- :mod:`pipeline.rsh.rows`: a data sheet's field columns and landlord rows;
- :mod:`pipeline.rsh.values`: what a count or published value may hold, and the checks of them;
- :mod:`pipeline.rsh.extract`: one edition to ``data/rsh/<year>/``, all or nothing
  (:mod:`pipeline.rsh.publish` writes the folder);
- :mod:`pipeline.rsh.editions`: the extracted years and which one a landlord's year uses;
- :mod:`pipeline.rsh.cli`: ``complaints rsh add <workbook>`` and ``complaints rsh list``.

See docs/rsh.md.
"""
