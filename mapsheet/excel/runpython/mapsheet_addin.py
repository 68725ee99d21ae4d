"""The module the "Check plan" button imports: ``import mapsheet_addin; mapsheet_addin.main()``.

xlwings' ribbon VBA imports a module named like the add-in file (``mapsheet_addin.xlam``). This folder
is on sys.path through the add-in's PYTHONPATH setting and holds nothing else, so no other module
name can shadow a real one. The work is done in ``mapsheet.excel.entry``.
"""


def main() -> None:
    try:
        from mapsheet.excel.entry import check_plan
    except ImportError as exc:  # the add-in points at a Python that no longer has mapsheet
        import sys

        import xlwings as xw

        xw.Book.caller().app.alert(
            f"mapsheet cannot be imported by {sys.executable} ({exc}).\n\nIn a terminal, activate the "
            "Python environment that has mapsheet and run: mapsheet excel install",
            title="mapsheet", mode="critical")
        return
    check_plan()
