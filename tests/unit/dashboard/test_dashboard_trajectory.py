"""Targets and scenarios of METHODOLOGY.md §6 (dashboard/components/trajectory.py)."""

import pandas as pd
import pytest

from dashboard.components.trajectory import (
    SLIDER_RATES,
    TARGETS,
    constant_rate_path,
    in_target,
    population_ratio,
    rate_needed,
    remaining_rate,
    scenario_path,
    trajectory_figure,
)
from dashboard.i18n import Translator

REL = 1e-6


@pytest.mark.parametrize(
    ("reduction_share", "baseline_year", "target_year", "rate_percent"),
    [(0.40, 2019, 2030, 4.54), (0.50, 2006, 2030, 2.85), (0.30, 2019, 2030, 3.19)],
)
def test_the_constant_rates_of_the_institutions_targets(
    reduction_share, baseline_year, target_year, rate_percent
):
    assert round(100 * rate_needed(reduction_share, baseline_year, target_year), 2) == rate_percent


def test_1000_t_in_2019_at_the_minus_40_percent_rate_is_756_8_t_in_2025_and_600_t_in_2030():
    rate = rate_needed(0.40, 2019, 2030)

    path = constant_rate_path(1000.0, rate, 2019, [2019, 2025, 2030])

    assert path[0] == 1000.0
    assert round(path[1], 1) == 756.8
    assert path[2] == pytest.approx(600.0, rel=REL)


def test_the_rate_still_needed_from_the_last_actual_year():
    # 900 t in 2025 against a 2030 target of 600 t: 1 − (600 / 900)^(1/5).
    assert remaining_rate(600.0, 900.0, 2025, 2030) == pytest.approx(1 - (600 / 900) ** 0.2, rel=REL)
    assert remaining_rate(600.0, 900.0, 2030, 2030) is None
    assert remaining_rate(600.0, 0.0, 2025, 2030) is None


def test_the_scenario_reduces_each_category_at_its_own_rate():
    last_year = pd.Series({"travel / plane": 100.0, "equipment / it": 50.0})
    rates = {"travel / plane": SLIDER_RATES[5], "equipment / it": SLIDER_RATES[1]}

    path = scenario_path(last_year, rates, 2025, [2025, 2026, 2030])

    assert path[0] == pytest.approx(150.0, rel=REL)
    assert path[1] == pytest.approx(100 * 0.92 + 50, rel=REL)
    assert path[2] == pytest.approx(100 * 0.92**5 + 50, rel=REL)


def test_1000_t_at_4_percent_a_year_with_a_population_growing_1_percent_a_year_is_856_96_t_after_5_years():
    # By hand: 1000 × 0.96^5 × 1.01^5 = 1000 × 0.815373 × 1.051010 = 856.96 t (§6, unit scenario scaled by
    # P(t) / P(t_last)); year 1: 960 × 1.01 = 969.6 t; year 2: 921.6 × 1.0201 = 940.124 t.
    last_year = pd.Series({"travel / plane": 1000.0})

    path = scenario_path(last_year, {"travel / plane": 0.04}, 2025, [2025, 2026, 2027, 2030], 1.0)

    assert path[0] == pytest.approx(1000.0, rel=REL)
    assert path[1] == pytest.approx(969.6, rel=REL)
    assert path[2] == pytest.approx(940.12416, rel=REL)
    assert round(path[3], 2) == 856.96


def test_without_population_growth_the_scenario_is_the_unscaled_one():
    last_year = pd.Series({"travel / plane": 1000.0, "equipment / it": 200.0})
    rates = {"travel / plane": 0.04, "equipment / it": 0.08}

    assert scenario_path(last_year, rates, 2025, [2025, 2030], 0.0) == scenario_path(
        last_year, rates, 2025, [2025, 2030]
    )


def test_the_population_ratio_compounds_the_annual_growth_from_the_last_actual_year():
    assert population_ratio(1.0, 2025, 2025) == 1.0
    assert population_ratio(1.0, 2025, 2030) == pytest.approx(1.01**5, rel=REL)
    assert population_ratio(-2.0, 2025, 2027) == pytest.approx(0.98**2, rel=REL)


def test_slider_levels_are_0_to_8_percent_in_steps_of_2():
    assert SLIDER_RATES == {1: 0.0, 2: 0.02, 3: 0.04, 4: 0.06, 5: 0.08}


def test_the_air_travel_target_keeps_only_plane_rows():
    footprint = pd.DataFrame(
        {"module_code": ["travel", "travel", "equipment"], "submodule_code": ["plane", "train", "it"]}
    )
    air = next(target for target in TARGETS if target.key == "air_30")
    total = next(target for target in TARGETS if target.key == "total_40")

    assert in_target(footprint, air)["submodule_code"].tolist() == ["plane"]
    assert len(in_target(footprint, total)) == 3


def test_the_band_is_the_scenario_plus_and_minus_1_96_relative_sigma_clipped_at_zero():
    actual = pd.Series({2024: 110.0, 2025: 100.0})
    scenario = pd.Series({2025: 100.0, 2026: 90.0})

    figure = trajectory_figure(actual, None, scenario, 0.6, Translator("en"))

    band = figure.data[0]
    assert band.fill == "toself"
    assert list(band.y) == pytest.approx([100 + 117.6, 90 + 105.84, 0.0, 0.0])
    assert [trace.name for trace in figure.data[1:]] == ["Actual", "Scenario"]


def test_without_sigma_no_band_is_drawn():
    figure = trajectory_figure(pd.Series({2025: 1.0}), None, pd.Series({2025: 1.0}), None, Translator("fr"))

    assert [trace.name for trace in figure.data] == ["Réel", "Scénario"]
