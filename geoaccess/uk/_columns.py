"""Private: the column spellings of the official files, in one place."""

from __future__ import annotations

#: Small-area code columns (ONS, MHCLG, Nomis, Trafford Data Lab), most specific first.
AREA_CODE = (
    r"(lsoa|oa|msoa|dz)(20)?(01|11|21) ?(cd|code)?",
    r"(lsoa|oa|msoa) (20)?(01|11|21) code",
    r"(lsoa|oa|msoa) code \((20)?(01|11|21)\)",
    r"(datazone|data zone) ?(20)?(01|11)?( code)?",
    r"dz",
    r"area code", r"area id", r"area", r"geography code", r"geo code", r"geo id",
    r"(lsoa|oa|msoa) code", r"(lower layer super|middle layer super)? ?output areas? code",
    r"lower layer super output areas? \(\d+\) code", r"code", r"mnemonic",
)
#: Small-area name columns.
AREA_NAME = (
    r"(lsoa|oa|msoa)(20)?(01|11|21) ?(nm|name)",
    r"(lsoa|oa|msoa) (20)?(01|11|21) name",
    r"(lsoa|oa|msoa) name \((20)?(01|11|21)\)",
    r"(lsoa|oa|msoa) name( \(eng\))?",
    r"(datazone|data zone|dz) ?(20)?(01|11)? ?name",
    r"area name", r"(lower layer super|middle layer super)? ?output areas?", r"name",
)
#: Local-authority code and name columns.
LA_CODE = (
    r"lad ?(20)?\d\d ?(cd|code)", r"local authority district code( \(\d{4}\))?",
    r"la ?code", r"la \(code\)", r"local authority code", r"council area code",
    r"ca ?(20)?(19|11)?", r"lad code",
)
LA_NAME = (
    r"lad ?(20)?\d\d ?(nm|name)", r"local authority district name( \(\d{4}\))?",
    r"la ?name", r"la \(name\)", r"local authority name( \(eng\))?", r"local authority",
    r"council area name", r"council area", r"lad name",
)
