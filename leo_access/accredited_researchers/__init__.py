"""The UK Statistics Authority's register of accredited researchers: reading a published file (`reading`), comparing
a researcher's stated accreditation with it (`matching`), storing each import (`models`, `services`) and reading the
latest one (`selectors`)."""
