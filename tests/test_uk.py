"""geoaccess.uk on the official files as published: Trafford, IMD 2025, Rutland's lookup.

Expected values come from the raw files read directly with pandas (an independent
computation), from the shared data notes (totals checked when the files were collected),
or are worked by hand in the test's docstring.
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import pytest

import geoaccess as ga
from geoaccess import uk

GET = ga.datasets.get_path
AGE_COLUMNS = [str(a) for a in range(90)] + ["90+"]


@pytest.fixture(scope="module")
def raw_lsoa() -> pd.DataFrame:
    return pd.read_csv(GET("trafford-population-lsoa"))


@pytest.fixture(scope="module")
def raw_census() -> pd.DataFrame:
    return pd.read_csv(GET("trafford-census-bands"))


@pytest.fixture(scope="module")
def raw_imd() -> pd.DataFrame:
    return pd.read_csv(GET("imd2025"))


@pytest.fixture(scope="module")
def pop() -> pd.DataFrame:
    return uk.read_population(GET("trafford-population-lsoa"), codes="lsoa21")


@pytest.fixture(scope="module")
def census() -> pd.DataFrame:
    return uk.read_population(GET("trafford-census-bands"), codes="lsoa21")


@pytest.fixture(scope="module")
def imd() -> pd.DataFrame:
    return uk.read_deprivation(GET("imd2025"), nation="england", year=2025)


# ------------------------------------------------------------------------- population
def test_mid_year_single_years_match_raw_file_and_published_bands(pop, raw_lsoa):
    persons = raw_lsoa[raw_lsoa["sex"] == "Persons"].set_index("area_code")
    under5 = uk.count_ages(pop, (0, 4))["children_0_4"]
    expected = persons[[str(a) for a in range(5)]].sum(axis=1)
    pd.testing.assert_series_equal(under5.astype(float), expected.reindex(under5.index)
                                   .astype(float), check_names=False)
    # the ONS publishes 0-15 as its own column: single years 0..15 must equal it exactly
    ranges = uk.count_ages(pop, {"kids": (0, 15), "old": (65, None), "all": (0, None)})
    assert (ranges["kids"] == persons["aged_0_to_15"].reindex(ranges.index)).all()
    assert (ranges["old"] == persons["aged_65_and_over"].reindex(ranges.index)).all()
    # totals recorded in the shared data notes when the file was collected
    assert len(under5) == 139
    assert under5.sum() == 12_428 and ranges["all"].sum() == 241_025
    assert uk.count_ages(pop, (0, 0))["children_0_0"].sum() == 2_169
    assert pop.attrs["period"] == "2024-06-30" and pop.attrs["codes"] == "lsoa21"
    assert "persons = females + males at every age" in pop.attrs["checks"]
    assert "ages add up to the published 0-15" in pop.attrs["checks"]


def test_persons_equal_females_plus_males(pop, raw_lsoa):
    # independent: the raw file, per area and age
    raw = raw_lsoa.set_index(["area_code", "sex"])[AGE_COLUMNS]
    assert (raw.xs("Persons", level="sex")
            == raw.xs("Females", level="sex") + raw.xs("Males", level="sex")).all().all()
    # the reader's tidy table says the same
    wide = pop.pivot_table(index=["area_code", "age_min"], columns="sex", values="count")
    assert (wide["persons"] == wide["females"] + wide["males"]).all()
    assert len(wide) == 139 * 91


def test_a_count_that_does_not_add_up_is_refused(tmp_path, raw_lsoa):
    broken = raw_lsoa.copy()
    row = broken.index[(broken["area_code"] == "E01006080") & (broken["sex"] == "Females")][0]
    broken.loc[row, "3"] += 1
    path = tmp_path / "broken.csv"
    broken.to_csv(path, index=False)
    with pytest.raises(ga.InputError, match="do not add up") as err:
        uk.read_population(path)
    assert "E01006080 (females)" in err.value.rows  # its total no longer matches
    assert "E01006080" in err.value.rows  # persons no longer females + males
    # the same file is accepted where a publication's rounding is declared
    assert uk.read_population(path, tolerance=1)["area_code"].nunique() == 139


def test_oa_estimates_have_the_lsoa_totals():
    oa = uk.read_population(GET("trafford-population-oa"), codes="oa21")
    counts = uk.count_ages(oa, {"under5": (0, 4), "all": (0, None)})
    assert oa.attrs["level"] == "oa" and len(counts) == 738
    assert counts["under5"].sum() == 12_428 and counts["all"].sum() == 241_025
    with pytest.raises(ga.InputError, match="OA codes"):
        uk.read_population(GET("trafford-population-oa"), codes="lsoa21")


def test_under_fives_single_years_against_census_band(pop, census, raw_census):
    """0-4 from single years against the Census band "Aged 4 years and under", per LSOA.

    The shared data notes: mid-2024 has 12,428 under-5s, the Census (21 March 2021)
    13,458, per LSOA -51 … +46. They are different dates, so the comparison is refused
    unless asked for, and then reports the change rather than calling it an error.
    """
    band = raw_census[raw_census["indicator"] == "Aged 4 years and under"]
    band = band.set_index("area_code")["value"]
    census_0_4 = uk.count_ages(census, (0, 4))["children_0_4"]
    assert (census_0_4 == band.reindex(census_0_4.index)).all()
    mid_0_4 = uk.count_ages(pop, (0, 4))["children_0_4"]
    with pytest.raises(ga.InputError, match="different reference dates"):
        uk.compare_counts(mid_0_4, census_0_4)
    cmp = uk.compare_counts(mid_0_4, census_0_4, allow_different_periods=True)
    assert cmp.attrs["first_period"] == "2024-06-30"
    assert cmp.attrs["second_period"] == "2021-03-21"
    assert len(cmp) == 139 and (cmp["note"] == "").all()
    assert cmp["first"].sum() == 12_428 and cmp["second"].sum() == 13_458
    assert cmp["difference"].min() == -51 and cmp["difference"].max() == 46
    assert not cmp["within_tolerance"].all()
    # same-date counts: a band equals the sum of the single years it covers
    same = uk.compare_counts(uk.count_ages(pop, (0, 15))["children_0_15"],
                             uk.count_ages(pop, {"a": (0, 4), "b": (5, 15)}).sum(axis=1)
                             .rename("x").pipe(_with_period, "2024-06-30"))
    assert same["within_tolerance"].all()


def _with_period(series, period):
    series.attrs["period"] = period
    return series


def test_age_ranges_from_census_bands(census, raw_census):
    """0-19 is four whole bands; 5-11 and 0-25 cut through bands and are refused."""
    bands = raw_census.pivot(index="area_code", columns="indicator", values="value")
    expected = bands[["Aged 4 years and under", "Aged 5 to 9 years", "Aged 10 to 14 years",
                      "Aged 15 to 19 years"]].sum(axis=1)
    got = uk.count_ages(census, (0, 19))["children_0_19"]
    assert (got == expected.reindex(got.index)).all()
    with pytest.raises(ga.InputError, match="10-14") as err:
        uk.count_ages(census, (5, 11))
    assert "5-9, 5-14" in str(err.value)
    with pytest.raises(ga.InputError, match="25-29"):
        uk.count_ages(census, {"send_0_25": (0, 25)})
    assert census.attrs["ages"] == "bands" and census.attrs["period"] == "2021-03-21"


def test_age_ranges_from_single_years(pop, raw_lsoa):
    persons = raw_lsoa[raw_lsoa["sex"] == "Persons"].set_index("area_code")
    got = uk.count_ages(pop, {"children_5_11": (5, 11), "send_0_25": (0, 25)})
    assert (got["children_5_11"] == persons[[str(a) for a in range(5, 12)]].sum(axis=1)
            .reindex(got.index)).all()
    assert (got["send_0_25"] == persons[[str(a) for a in range(26)]].sum(axis=1)
            .reindex(got.index)).all()
    girls = uk.count_ages(pop, (0, 4), sex="Females")["children_0_4"]
    assert girls.sum() == raw_lsoa.loc[raw_lsoa["sex"] == "Females",
                                       [str(a) for a in range(5)]].to_numpy().sum()


def test_census_bands_with_a_missing_band_are_refused(tmp_path, raw_census):
    gap = raw_census[raw_census["indicator"] != "Aged 10 to 14 years"]
    gap.to_csv(tmp_path / "gap.csv", index=False)
    with pytest.raises(ga.InputError, match="gap at age 10"):
        uk.read_population(tmp_path / "gap.csv")
    one = raw_census.drop(index=raw_census.index[
        (raw_census["area_code"] == "E01006109")
        & (raw_census["indicator"] == "Aged 5 to 9 years")])
    one.to_csv(tmp_path / "one.csv", index=False)
    with pytest.raises(ga.InputError, match="lack a count") as err:
        uk.read_population(tmp_path / "one.csv")
    assert err.value.rows == ["E01006109 (persons)"]


def test_ons_workbook_layout_with_sex_prefixes(tmp_path, raw_lsoa):
    """The ONS workbook: title rows, 'LSOA 2021 Code', 'Total', F0..F90, M0..M90."""
    wide = raw_lsoa.set_index(["area_code", "sex"])
    book = pd.DataFrame({"LAD 2021 Code": "E08000009", "LAD 2021 Name": "Trafford",
                         "LSOA 2021 Code": wide.xs("Persons", level="sex").index,
                         "LSOA 2021 Name": wide.xs("Persons", level="sex")["area_name"],
                         "Total": wide.xs("Persons", level="sex")["all_ages"]})
    for prefix, sex in (("F", "Females"), ("M", "Males")):
        part = wide.xs(sex, level="sex")[AGE_COLUMNS]
        part.columns = [f"{prefix}{a.rstrip('+')}" for a in AGE_COLUMNS]
        book = book.join(part, on="LSOA 2021 Code")
    path = tmp_path / "sapelsoasyoa2024.xlsx"
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame({"a": ["Contents"]}).to_excel(writer, sheet_name="Contents", index=False)
        pd.DataFrame([["Mid-2024 population estimates for LSOAs"], ["Source: ONS"]]).to_excel(
            writer, sheet_name="Mid-2024 LSOA 2021", header=False, index=False)
        book.to_excel(writer, sheet_name="Mid-2024 LSOA 2021", startrow=3, index=False)
        book.to_excel(writer, sheet_name="Mid-2023 LSOA 2021", startrow=3, index=False)
    with pytest.raises(ga.InputError, match="pass sheet="):
        uk.read_population(path)  # two years in one workbook: never picks one silently
    read = uk.read_population(path, sheet="Mid-2024 LSOA 2021")
    assert read.attrs["codes"] == "lsoa21" and read.attrs["period"] == "mid-2024"
    assert "ages add up to the published total" in read.attrs["checks"]
    under5 = uk.count_ages(read, (0, 4))["children_0_4"]
    assert under5.sum() == 12_428
    assert (read[read["sex"] == "persons"]["age_max"] == math.inf).sum() == 139


def test_nomis_layouts_read_like_the_published_files(tmp_path, raw_census, raw_lsoa, pop):
    """The same real figures in Nomis's layouts: Census bulk (wide, "Age: Aged 4 years and
    under", "Age: Total") and the API's long single years (C_AGE_NAME, GENDER_NAME)."""
    wide = raw_census.pivot(index="area_code", columns="indicator", values="value")
    bulk = pd.DataFrame({"date": "2021", "geography": "x", "geography code": wide.index})
    for label in wide.columns:
        bulk[f"Age: {label}"] = wide[label].to_numpy()
    bulk["Age: Total"] = wide.sum(axis=1).to_numpy()
    bulk.to_csv(tmp_path / "census2021-ts007a-lsoa.csv", index=False)
    read = uk.read_population(tmp_path / "census2021-ts007a-lsoa.csv")
    assert "ages add up to the published total" in read.attrs["checks"]
    assert read.attrs["period"] == "2021"
    assert uk.count_ages(read, (0, 4))["children_0_4"].sum() == 13_458
    bulk.loc[3, "Age: Total"] += 5
    bulk.to_csv(tmp_path / "edited.csv", index=False)
    with pytest.raises(ga.InputError, match="total: 1 areas") as err:
        uk.read_population(tmp_path / "edited.csv")
    assert err.value.rows == [f"{bulk.loc[3, 'geography code']} (persons)"]

    custom = pd.DataFrame({
        "Lower layer Super Output Areas Code": raw_census["area_code"],
        "Lower layer Super Output Areas": raw_census["area_name"],
        "Age (18 categories) Code": raw_census.groupby("area_code").cumcount() + 1,
        "Age (18 categories)": raw_census["indicator"], "Observation": raw_census["value"]})
    custom.to_csv(tmp_path / "custom.csv", index=False)
    ons = uk.read_population(tmp_path / "custom.csv", codes="lsoa21")
    assert ons.attrs["ages"] == "bands" and ons["area_name"].iloc[0] == "Trafford 025A"
    teens = ["Aged 4 years and under", "Aged 5 to 9 years", "Aged 10 to 14 years",
             "Aged 15 to 19 years"]
    assert uk.count_ages(ons, (0, 19))["children_0_19"].sum() == wide[teens].to_numpy().sum()

    long = raw_lsoa.melt(id_vars=["area_code", "sex"], value_vars=AGE_COLUMNS,
                         var_name="age", value_name="OBS_VALUE")
    long = pd.DataFrame({
        "GEOGRAPHY_CODE": long["area_code"],
        "GENDER_NAME": long["sex"].map({"Persons": "Total", "Females": "Female",
                                        "Males": "Male"}),
        "C_AGE_NAME": np.where(long["age"] == "90+", "Aged 90+", "Age " + long["age"]),
        "OBS_VALUE": long["OBS_VALUE"]})
    long.to_csv(tmp_path / "nomis_api.csv", index=False)
    api = uk.read_population(tmp_path / "nomis_api.csv", codes="lsoa21")
    cols = ["area_code", "sex", "age_min", "age_max", "count"]
    pd.testing.assert_frame_equal(api[cols], pop[cols])


# ------------------------------------------------------------------------- deprivation
def test_every_trafford_lsoa_joins_imd_2025(pop, imd, raw_imd):
    table = uk.areas(GET("trafford-lsoa"), population=pop, deprivation=imd,
                     local_authority="Trafford")
    report = uk.join_report(table).set_index("piece")
    assert report.loc["deprivation", "matched"] == 139
    assert report.loc["deprivation", "unmatched"] == 0
    assert report.loc["deprivation", "not_in_areas"] == 33_755 - 139
    assert report.loc["deprivation", "period"] == "IMD 2025 (England)"
    merged = table[["area_id", "imd_decile", "imd_rank"]].merge(
        raw_imd, left_on="area_id", right_on="lsoa21_code")
    assert len(merged) == 139
    assert (merged["imd_decile"] == merged["IMD_decile"]).all()
    assert (merged["imd_rank"] == merged["IMD_rank"]).all()
    assert (table["deprivation_index"] == "IMD 2025 (England)").all()


def _file7(raw_imd, codes, **extra):
    """Rows of the real IMD 2025 file in the published File 7 column layout."""
    rows = raw_imd[raw_imd["lsoa21_code"].isin(codes)]
    frame = pd.DataFrame({
        "LSOA code (2021)": rows["lsoa21_code"].to_numpy(),
        "LSOA name (2021)": "x",
        "Local Authority District code (2024)": "E08000009",
        "Local Authority District name (2024)": "Trafford",
        "Index of Multiple Deprivation (IMD) Score": rows["IMD_score"].to_numpy(),
        "Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)":
            rows["IMD_rank"].to_numpy(),
        "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)":
            rows["IMD_decile"].to_numpy(),
    })
    for k, v in extra.items():
        frame[k] = v
    return frame


def test_imd_file7_layout_csv_and_workbook(tmp_path, raw_imd, pop):
    codes = pop["area_code"].unique()
    frame = _file7(raw_imd, codes, **{"Income Score (rate)": 0.1,
                                      "Children and Young People Sub-domain Score": 0.2,
                                      "Total population: mid 2022 (excluding prisoners)": 1500})
    frame.to_csv(tmp_path / "File_7.csv", index=False)
    dep = uk.read_deprivation(tmp_path / "File_7.csv", nation="england", year=2025)
    assert {"imd_score", "imd_rank", "imd_decile", "income_score", "la_code"} <= set(dep)
    assert any(c.startswith("denominator_total_population") for c in dep.columns)
    assert (dep.set_index("area_code")["imd_decile"]
            == raw_imd.set_index("lsoa21_code")["IMD_decile"].reindex(dep["area_code"])
            .to_numpy()).all()
    with pd.ExcelWriter(tmp_path / "File_7.xlsx") as writer:
        pd.DataFrame([["English Indices of Deprivation 2025"]]).to_excel(
            writer, sheet_name="IoD2025", header=False, index=False)
        frame.to_excel(writer, sheet_name="IoD2025", startrow=2, index=False)
    book = uk.read_deprivation(tmp_path / "File_7.xlsx", nation="england", year=2025)
    pd.testing.assert_frame_equal(book[["area_code", "imd_decile", "imd_rank"]],
                                  dep[["area_code", "imd_decile", "imd_rank"]])
    # by local-authority code: the File 7 columns say which LSOAs are Trafford's
    table = uk.areas(GET("trafford-lsoa"), population=pop, deprivation=dep,
                     local_authority="E08000009")
    assert len(table) == 139
    assert "deprivation file column 'la_code'" in uk.join_report(table)["note"].iloc[0]
    # only the head counts are read as populations: not the sub-domain or the denominator
    assert ga.read_areas(table).attrs["population"] == ["children_0_4"]
    assert table["education_cyp_score"].eq(0.2).all()


def test_imd_problems_are_reported(tmp_path, raw_imd, pop):
    codes = pop["area_code"].unique()[:5]
    text = _file7(raw_imd, codes)
    decile = "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)"
    text[decile] = text[decile].astype(str)
    text.loc[0, decile] = "1 - most deprived"
    with pytest.raises(ga.InputError, match="non-numeric") as err:
        uk.read_deprivation(text, nation="england", year=2025)
    assert err.value.rows == [codes[0]]
    welsh = _file7(raw_imd, codes)
    welsh.loc[1, "LSOA code (2021)"] = "W01000001"
    with pytest.raises(ga.InputError, match="W01000001"):
        uk.read_deprivation(welsh, nation="england", year=2025)
    with pytest.raises(ga.InputError, match="holds lsoa21 codes"):
        uk.read_deprivation(_file7(raw_imd, codes), nation="england", year=2019)
    generic = _file7(raw_imd, codes).rename(columns={"LSOA code (2021)": "LSOA code"})
    with pytest.raises(ga.InputError, match="disagree with the ranks"):
        uk.read_deprivation(generic, nation="england", year=2019)  # 32,844 areas, not 33,755
    with pytest.raises(ga.InputError, match="known editions"):
        uk.read_deprivation(generic, nation="england", year=2021)


WIMD_COLUMNS = ["LSOA code", "LSOA name (Eng)", "Local Authority name (Eng)", "WIMD 2019",
                "Income", "Employment", "Health", "Education", "Access to Services",
                "Housing", "Community Safety", "Physical Environment"]


def test_wimd_ranks_workbook(tmp_path):
    """Hand-made rows in the WIMD 2019 ranks layout (ranks of 1,909 LSOAs, no deciles).

    Deciles by hand, decile = ceil(rank × 10 / 1909): rank 1 → 1, 190 → ceil(0.995) = 1,
    191 → ceil(1.0005) = 2, 1000 → ceil(5.238) = 6, 1909 → 10.
    """
    ranks = [1, 190, 191, 1000, 1909]
    frame = pd.DataFrame({c: [f"W0100000{i}" for i in range(1, 6)] if c == "LSOA code"
                          else (ranks if c == "WIMD 2019" else
                                (["Area A"] * 5 if "name" in c else [10, 20, 30, 40, 50]))
                          for c in WIMD_COLUMNS})
    path = tmp_path / "wimd-2019-ranks.xlsx"
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame([["Welsh Index of Multiple Deprivation 2019"], ["Ranks"]]).to_excel(
            writer, sheet_name="WIMD_2019_ranks", header=False, index=False)
        frame.to_excel(writer, sheet_name="WIMD_2019_ranks", startrow=2, index=False)
    wimd = uk.read_deprivation(path, nation="wales", year=2019)
    assert wimd["imd_decile"].tolist() == [1, 1, 2, 6, 10]
    assert wimd["imd_rank"].tolist() == ranks
    assert {"income_rank", "access_rank", "crime_rank", "environment_rank"} <= set(wimd)
    assert wimd.attrs["decile_from_rank"] and wimd.attrs["codes"] == "lsoa11"
    assert (wimd["deprivation_index"] == "WIMD 2019 (Wales)").all()
    scores = frame.assign(**{"WIMD 2019": [55.1, 40.2, 39.9, 20.0, 2.5]})
    with pytest.raises(ga.InputError, match="no overall rank or decile"):
        uk.read_deprivation(scores, nation="wales", year=2019)


SIMD_COLUMNS = ["Data_Zone", "Intermediate_Zone", "Council_area", "Total_population",
                "Working_Age_population", "SIMD2020v2_Rank", "SIMD_2020v2_Percentile",
                "SIMD2020v2_Vigintile", "SIMD2020v2_Decile", "SIMD2020v2_Quintile",
                "SIMD2020v2_Income_Domain_Rank", "SIMD2020_Employment_Domain_Rank",
                "SIMD2020_Health_Domain_Rank", "SIMD2020_Education_Domain_Rank",
                "SIMD2020_Access_Domain_Rank", "SIMD2020_Crime_Domain_Rank",
                "SIMD2020_Housing_Domain_Rank"]


def test_simd_ranks_layout():
    """Hand-made rows (codes and values invented) in the SIMD 2020v2 ranks layout.

    SIMD ranks 6,976 data zones and publishes deciles: rank 3500 → ceil(3500 × 10 / 6976)
    = ceil(5.017) = 6.
    """
    frame = pd.DataFrame([["S01000001", "Zone A", "Council A", 894, 580, 1, 1, 1, 1, 1,
                           5, 6, 7, 8, 9, 10, 11],
                          ["S01000002", "Zone A", "Council A", 793, 470, 3500, 51, 11, 6,
                           3, 50, 60, 70, 80, 90, 100, 110],
                          ["S01000003", "Zone A", "Council A", 624, 400, 6976, 100, 20,
                           10, 5, 6000, 6001, 6002, 6003, 6004, 6005, 6006]],
                         columns=SIMD_COLUMNS)
    simd = uk.read_deprivation(frame, nation="scotland", year=2020)
    assert simd["imd_decile"].tolist() == [1, 6, 10]
    assert simd["imd_quintile"].tolist() == [1, 3, 5]
    assert simd["housing_rank"].tolist() == [11, 110, 6006]
    assert simd["la_name"].tolist() == ["Council A"] * 3
    assert simd.attrs["codes"] == "dz11" and not simd.attrs["decile_from_rank"]
    wrong = frame.assign(SIMD2020v2_Decile=[1, 7, 10])
    with pytest.raises(ga.InputError, match="disagree"):
        uk.read_deprivation(wrong, nation="scotland", year=2020)
    english = frame.assign(Data_Zone=["S01000001", "E01006074", "S01000003"])
    with pytest.raises(ga.InputError, match="E01006074"):
        uk.read_deprivation(english, nation="scotland", year=2020)


def test_nation_and_year_labels_are_never_mixed(imd, pop):
    imd_2019 = uk.read_deprivation(pd.DataFrame({
        "LSOA code (2011)": ["E01013801", "E01013802"],
        "Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)": [1, 32844]}),
        nation="england", year=2019)
    assert imd_2019["imd_decile"].tolist() == [1, 10]
    with pytest.raises(ga.InputError, match="two editions"):
        uk.combine_deprivation([imd, imd_2019])
    wimd = uk.read_deprivation(pd.DataFrame({"LSOA code": ["W01000001"], "WIMD 2019": [5]}),
                               nation="wales", year=2019)
    with pytest.raises(ga.InputError, match="not comparable"):
        uk.combine_deprivation([imd, wimd])
    both = uk.combine_deprivation([imd, wimd], mixed_nations=True)
    assert both.attrs["label"] == "IMD 2025 (England) + WIMD 2019 (Wales)"
    assert both.set_index("area_code").loc["W01000001", "deprivation_index"] \
        == "WIMD 2019 (Wales)"
    with pytest.raises(ga.InputError, match="mixed_nations"):
        uk.areas(GET("trafford-lsoa"), deprivation=[imd, wimd])
    # an English table on 2011 codes against 2021 boundaries is refused, not half-joined
    with pytest.raises(ga.InputError, match="different codes"):
        uk.areas(GET("trafford-lsoa"), population=pop, deprivation=imd_2019)
    with pytest.raises(ga.InputError, match="read_deprivation"):
        uk.areas(GET("trafford-lsoa"), deprivation=GET("imd2025"))


# ------------------------------------------------------------------- 2011 -> 2021 lookup
@pytest.fixture(scope="module")
def rutland() -> gpd.GeoDataFrame:
    return gpd.read_file(GET("rutland-lsoa"), layer="lsoa21")


def test_broken_2011_code_is_reported_not_dropped(rutland):
    """Rutland's 2020 counts, moved from 2011 to 2021 codes with the real change codes.

    The shared data notes say the 2021 counts of the 5 split LSOAs were apportioned from
    their 2011 LSOA by Census 2021 residents: summing them back to 2011 codes and
    sharing them out again by the same residents must give the published figures (to
    rounding). A typo'd 2011 code (letter O for zero) must come out reported and kept.
    """
    lookup = uk.read_lookup(pd.DataFrame({
        "LSOA11CD": rutland["lsoa11_code"], "LSOA21CD": rutland["area_id"],
        "CHGIND": rutland["change_code"], "LAD22CD": "E06000017", "LAD22NM": "Rutland"}))
    assert lookup.attrs["level"] == "lsoa"
    by_2011 = rutland.groupby("lsoa11_code", as_index=False)["population_2020"].sum()
    broken = pd.DataFrame({"lsoa11_code": ["E01O13787"], "population_2020": [99]})
    table = pd.concat([by_2011, broken], ignore_index=True)
    weights = rutland.set_index("area_id")["residents_2021"]
    with pytest.raises(ga.InputError, match="weights=") as err:
        uk.apply_lookup(table, lookup, code_column="lsoa11_code", counts=["population_2020"])
    assert err.value.rows == ["E01013801", "E01013802"]
    moved = uk.apply_lookup(table, lookup, code_column="lsoa11_code",
                            counts=["population_2020"], weights=weights)
    report = moved.attrs["report"]
    assert report["unmatched_codes"] == ["E01O13787"] and report["matched"] == 23
    assert (report["unchanged"], report["split"], report["merged"]) == (21, 2, 0)
    assert report["areas_2021"] == 26 and len(moved) == 27
    kept = moved[moved["area_code"].isna()]
    assert kept["codes_2011"].tolist() == ["E01O13787"]
    assert kept["population_2020"].tolist() == [99]
    assert kept["note"].tolist() == ["2011 code not in the lookup"]
    got = moved.dropna(subset=["area_code"]).set_index("area_code")["population_2020"]
    published = rutland.set_index("area_id")["population_2020"].reindex(got.index)
    assert np.abs(got - published).max() <= 1.0
    assert got.sum() == pytest.approx(by_2011["population_2020"].sum())
    assert moved.set_index("area_code").loc["E01035104", "codes_2011"] == "E01013801"


def test_merged_areas_sum_counts_and_keep_only_agreeing_values():
    """Two 2011 areas merged into one 2021 area: 10 + 20 people; deciles 3 and 4 differ."""
    lookup = uk.read_lookup(pd.DataFrame({
        "LSOA11CD": ["E01000001", "E01000002", "E01000003"],
        "LSOA21CD": ["E01033000", "E01033000", "E01000003"], "CHGIND": ["M", "M", "U"]}))
    table = pd.DataFrame({"area_code": ["E01000001", "E01000002", "E01000003"],
                          "people": [10, 20, 5], "decile": [3, 4, 7]})
    out = uk.apply_lookup(table, lookup, counts=["people"], values=["decile"]).set_index(
        "area_code")
    assert out.loc["E01033000", "people"] == 30 and np.isnan(out.loc["E01033000", "decile"])
    assert "merged 2011 areas differ" in out.loc["E01033000", "note"]
    assert out.loc["E01000003", "decile"] == 7 and out.loc["E01033000", "change"] == "M"
    assert out.attrs["report"]["merged"] == 2
    with pytest.raises(ga.InputError, match="contradict"):
        uk.read_lookup(pd.DataFrame({"LSOA11CD": ["E01000001", "E01000001"],
                                     "LSOA21CD": ["E01033000", "E01033001"],
                                     "CHGIND": ["U", "U"]}))


# ------------------------------------------------------------------ sites and postcodes
@pytest.fixture(scope="module")
def onspd_extract() -> pd.DataFrame:
    """A tiny ONS Postcode Directory extract in its published layout, made from the two
    centres' published postcodes and coordinates, each with the LSOA its point falls in
    (a spatial join with Trafford's LSOAs), plus two hand-made postcodes: a terminated
    one and one without a grid reference (ONSPD writes lat 99.999999 for those)."""
    centres = pd.read_csv(GET("trafford-centres"))
    to_bng = pyproj.Transformer.from_crs(4326, 27700, always_xy=True)
    east, north = to_bng.transform(centres["lon"].to_numpy(), centres["lat"].to_numpy())
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(east, north), crs=27700)
    lsoa = gpd.read_file(GET("trafford-lsoa")).to_crs(27700)
    inside = gpd.sjoin(points, lsoa, predicate="within")["area_code"].tolist()
    assert len(inside) == 2
    pcds = centres["postcode"].tolist() + ["M33 7ZZ", "M41 0ZY"]
    return pd.DataFrame({
        "pcd": [p.replace(" ", "").ljust(7) for p in pcds], "pcds": pcds,
        "dointr": "198001", "doterm": ["", "", "201001", ""],
        "oseast1m": [f"{e:.0f}" for e in east] + ["377000", ""],
        "osnrth1m": [f"{n:.0f}" for n in north] + ["392000", ""],
        "osgrdind": ["1", "1", "1", "9"],
        "lsoa21": [*inside, "", ""],
        "lat": [f"{v:.6f}" for v in centres["lat"]] + ["53.42", "99.999999"],
        "long": [f"{v:.6f}" for v in centres["lon"]] + ["-2.34", "0.000000"],
    })


def test_council_spreadsheet_placed_by_postcode(tmp_path, onspd_extract):
    """A hand-made council list: the two real centres and three sites whose postcodes are
    terminated, missing from the directory, or without a grid reference."""
    onspd_extract.to_csv(tmp_path / "ONSPD_extract.csv", index=False)
    council = pd.DataFrame({"Centre name": ["Partington", "Stretford", "Sale West",
                                            "Old Trafford", "Urmston"],
                            "Post code": ["M31 4FL", "m329an", "M33 7ZZ", "M16 0XX", "M41 0ZY"],
                            "Hub type": "Family hub"})
    path = tmp_path / "council.xlsx"
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame([["Family hubs (hand-made example)"]]).to_excel(writer, header=False,
                                                                      index=False)
        council.to_excel(writer, startrow=2, index=False)
    hubs = uk.read_centres(path, kind="hub", postcodes=tmp_path / "ONSPD_extract.csv")
    report = hubs.attrs["report"]
    assert report["postcodes"]["not_found"] == ["M16 0XX"]
    assert report["postcodes"]["terminated"] == ["M33 7ZZ"]
    assert report["postcodes"]["no_grid_reference"] == ["M41 0ZY"]
    assert report["not_placed"] == ["Old Trafford", "Urmston"]
    assert report["placed_from_postcode"] == 3 and len(hubs) == 5  # nothing dropped
    notes = hubs.set_index("name")["location_note"]
    assert notes["Old Trafford"] == "postcode not found in the directory"
    assert notes["Sale West"].startswith("postcode terminated 201001")
    stretford = hubs.set_index("name").geometry["Stretford"]
    assert (stretford.x, stretford.y) == (float(onspd_extract["oseast1m"][1]),
                                          float(onspd_extract["osnrth1m"][1]))
    with pytest.raises(ga.InputError, match="empty or missing") as err:
        ga.read_sites(hubs)
    assert set(err.value.rows) == {"Old Trafford", "Urmston"}
    placed = ga.read_sites(hubs[hubs.geometry.notna()])
    assert placed["kind"].unique().tolist() == ["hub"]


def test_locate_postcodes_reads_only_what_it_needs(tmp_path, onspd_extract):
    onspd_extract.to_csv(tmp_path / "ONSPD.csv", index=False)
    directory = uk.read_postcodes(tmp_path / "ONSPD.csv", keep=["M32 9AN"])
    assert directory.index.tolist() == ["M329AN"]
    assert directory["lsoa21"].tolist() == [onspd_extract["lsoa21"][1]]
    pts = uk.locate_postcodes(pd.Series(["M31 4FL", "", "NOT A CODE"]), tmp_path / "ONSPD.csv")
    assert pts.attrs["report"]["invalid"] == ["NOT A CODE"]
    assert pts["location_note"].tolist() == ["", "no postcode", "not a postcode"]


def test_dfe_register_extract_as_csv_and_geojson(onspd_extract):
    csv = uk.read_centres(GET("trafford-centres"))
    geo = uk.read_centres(GET("trafford-centres-geojson"))
    raw = pd.read_csv(GET("trafford-centres"))
    to_bng = pyproj.Transformer.from_crs(4326, 27700, always_xy=True)
    east, north = to_bng.transform(raw["lon"].to_numpy(), raw["lat"].to_numpy())
    for table in (csv, geo):
        assert table["site_id"].tolist() == ["22329", "22963"]
        np.testing.assert_allclose(table.geometry.x, east, atol=0.01)
        np.testing.assert_allclose(table.geometry.y, north, atol=0.01)
    sites = ga.read_sites(csv)
    assert sites["name"].tolist() == raw["name"].tolist() and sites.crs.to_epsg() == 27700
    # the postcode centroid replaces the file's point only when asked
    by_pc = uk.read_centres(GET("trafford-centres"), postcodes=onspd_extract,
                            prefer="postcode")
    assert by_pc["location_source"].str.startswith("postcode centroid").all()


def test_register_extract_layout_filtered_to_one_authority():
    """The two Trafford centres and Rutland's Visions at Oakham in the register's column
    layout (URN, EstablishmentName, Street, Town, Postcode, LA (name), Easting/Northing)."""
    trafford = pd.read_csv(GET("trafford-centres"))
    rutland = pd.read_csv(GET("rutland-centres")).head(1)
    to_bng = pyproj.Transformer.from_crs(4326, 27700, always_xy=True)
    lon = pd.concat([trafford["lon"], rutland["lon"]]).to_numpy()
    lat = pd.concat([trafford["lat"], rutland["lat"]]).to_numpy()
    east, north = to_bng.transform(lon, lat)
    gias = pd.DataFrame({
        "URN": [*trafford["unique_reference_number"], None],  # not in the shared notes
        "EstablishmentName": [*trafford["name"], rutland["name"].iloc[0]],
        "Street": [*trafford["address"].str.split(",").str[0], "Huntsman Drive"],
        "Town": ["Manchester", "Stretford", "Oakham"],
        "Postcode": [*trafford["postcode"], rutland["postcode"].iloc[0]],
        "LA (name)": ["Trafford", "Trafford", "Rutland"],
        "EstablishmentStatus (name)": "Open",
        "Easting": east.round(), "Northing": north.round()})
    centres = uk.read_centres(gias, local_authority="Trafford")
    assert centres["site_id"].tolist() == ["22329", "22963"]
    assert centres["address"].tolist() == ["Central Road, Manchester", "9 Poplar Road, Stretford"]
    assert centres.attrs["report"]["outside_local_authority"] == 1
    assert centres.geometry.x.tolist() == east[:2].round().tolist()
    with pytest.raises(ga.InputError, match="no site in local authority"):
        uk.read_centres(gias, local_authority="Stockport")


# ----------------------------------------------------------------------- uk.areas
def test_areas_join_report_counts(tmp_path, raw_lsoa, imd):
    """Drop one LSOA from the population file: it is reported, kept with NaN and a note."""
    raw_lsoa[raw_lsoa["area_code"] != "E01006074"].to_csv(tmp_path / "pop.csv", index=False)
    # stand-in centroids in the ONS CSV layout (no ONS centroid file is held offline):
    # a point inside each polygon, to check they become the areas' origins
    pwc = gpd.read_file(GET("trafford-lsoa")).to_crs(27700)
    centroids = pd.DataFrame({"LSOA21CD": pwc["area_code"],
                              "x": pwc.representative_point().x.round(),
                              "y": pwc.representative_point().y.round()})
    table = uk.areas(GET("trafford-lsoa"), population=tmp_path / "pop.csv", deprivation=imd,
                     centroids=centroids, local_authority="trafford",
                     ages={"children_0_4": (0, 4), "children_5_11": (5, 11)},
                     report_path=tmp_path / "join_report.csv")
    saved = pd.read_csv(tmp_path / "join_report.csv").set_index("piece")
    assert saved.loc["boundaries", "areas"] == 139
    assert saved.loc["population", "rows"] == 138
    assert saved.loc["population", "matched"] == 138
    assert saved.loc["population", "unmatched"] == 1
    assert saved.loc["population", "unmatched_codes"] == "['E01006074']"
    assert saved.loc["population", "duplicated"] == 0
    assert saved.loc["centroids", "matched"] == 139
    assert saved.loc["population", "period"] == "2024-06-30"
    missing = table.set_index("area_id").loc["E01006074"]
    assert np.isnan(missing["children_0_4"]) and missing["note"] == "no population row"
    assert len(table) == 139 and table.crs.to_epsg() == 27700
    with pytest.raises(ga.InputError, match="E01006074"):
        ga.read_areas(table)  # a missing count is named, never silently zero
    areas = ga.read_areas(table.dropna(subset=["children_0_4"]))
    assert areas.attrs["population"] == ["children_0_4", "children_5_11"]
    assert (areas["origin_method"] == "supplied").all()
    assert areas["imd_decile"].dtype.name == "Int64"


def test_areas_refuses_duplicates_and_unknown_authorities(tmp_path, imd, pop):
    doubled = pd.concat([imd, imd[imd["area_code"] == "E01006074"]], ignore_index=True)
    doubled.attrs = dict(imd.attrs)
    with pytest.raises(ga.InputError, match="more than once"):
        uk.areas(GET("trafford-lsoa"), deprivation=doubled,
                 report_path=tmp_path / "report.csv")
    saved = pd.read_csv(tmp_path / "report.csv").set_index("piece")
    assert saved.loc["deprivation", "duplicated"] == 1
    with pytest.raises(ga.InputError, match="no area of local authority 'Stockport'") as err:
        uk.areas(GET("trafford-lsoa"), local_authority="Stockport")
    assert "Trafford" in str(err.value)
    with pytest.raises(ga.InputError, match="cannot be found"):
        uk.areas(GET("trafford-lsoa"), deprivation=imd, local_authority="E08000009")
    oa = uk.read_population(GET("trafford-population-oa"))
    with pytest.raises(ga.InputError, match="different geographies"):
        uk.areas(GET("trafford-lsoa"), population=oa, deprivation=imd)


def test_boundaries_as_published(tmp_path):
    lsoa = uk.read_boundaries(GET("trafford-lsoa"))
    assert lsoa.attrs["codes"] is None and lsoa.attrs["level"] == "lsoa"
    # Trafford covers about 106 km² (ONS Standard Area Measurements)
    assert 100e6 < lsoa.area.sum() < 112e6
    ons = lsoa.rename(columns={"area_code": "LSOA21CD", "area_name": "LSOA21NM"})
    ons.to_file(tmp_path / "LSOA_2021_EW_BGC.gpkg", layer="LSOA_2021_EW_BGC")
    read = uk.read_boundaries(tmp_path / "LSOA_2021_EW_BGC.gpkg")
    assert read.attrs["codes"] == "lsoa21" and read["area_name"].iloc[0] == "Trafford 025A"
    with pytest.raises(ga.InputError, match="says lsoa21"):
        uk.read_boundaries(tmp_path / "LSOA_2021_EW_BGC.gpkg", codes="lsoa11")
    with pytest.raises(ga.InputError, match="OA codes"):
        uk.read_boundaries(GET("trafford-lsoa"), codes="oa21")


def test_urls_need_the_download_keyword(tmp_path, monkeypatch):
    url = GET("imd2025").resolve().as_uri()  # a file:// URL: no network in tests
    with pytest.raises(ga.InputError, match="download=True"):
        uk.read_deprivation(url, nation="england", year=2025)
    monkeypatch.setattr(ga.settings, "cache_folder", tmp_path)
    got = uk.read_deprivation(url, nation="england", year=2025, download=True)
    assert len(got) == 33_755
    cached = list((tmp_path / "uk").iterdir())
    assert len(cached) == 1 and cached[0].name.endswith("imd2025_england_lsoa21.csv")
