"""Units as residents write them (Simplified, Traditional, English, full-width, in a
sentence) and as registers name them (shops, villas, basements), reduced to keys."""

from __future__ import annotations

import pytest

from models.domain.config import EXAMPLE_CONFIG, Community, load_config
from models.domain.unit_text import aliases, windows
from models.domain.units import example, label, parse_unit

DEMO = load_config(EXAMPLE_CONFIG).communities[0]


@pytest.mark.parametrize(
    "text",
    [
        "3栋2单元1201",
        "3-2-1201",
        "3#2-1201",
        "3号楼2单元1201室",
        "3號樓2單元1201室",
        "３棟２單元１２０１",
        "三栋二单元1201",
        "Block 3, Unit 2, Flat 1201",
        "Building 3 Entrance 2 Room 1201",
        "Flat 1201, Block 3, Entrance 2",
        "1201室，3栋2单元",
        "我家是3栋2单元1201，厨房漏水两天了",
    ],
)
def test_the_ways_residents_write_a_unit(text):
    unit = parse_unit(text, DEMO)
    assert unit is not None and unit.label == "3栋2单元1201"


@pytest.mark.parametrize("text", ["3栋1201", "9栋1单元101", "3栋2单元2701", "楼上漏水2天", ""])
def test_what_is_not_a_unit_of_the_demo(text):
    assert parse_unit(text, DEMO) is None


def test_register_keys_of_shops_villas_and_basements():
    assert aliases("商铺", None, "S-101", single_entrance=True) == ["商铺.S.101", "S.101"]
    assert aliases("别墅", None, "12号", single_entrance=True) == ["别墅.12", "12"]
    assert aliases("3", 2, "1201", single_entrance=False) == ["3.2.1201"]
    assert aliases("5", 1, "0302", single_entrance=True) == ["5.1.302", "5.302"]
    assert aliases("地下室", None, "B1-023", single_entrance=True)[-1] == "B.1.23"


def _keys(text):
    return [w.key for w in windows(text)]


def test_a_lone_number_is_a_unit_only_with_a_unit_word_or_alone():
    assert "12" in _keys("12号别墅") and "12" in _keys("Villa 12") and "12" in _keys("12")
    assert "S.101" in _keys("商铺 s101") and "S.101" in _keys("Shop S-101")
    assert "2" not in _keys("楼上漏水2天")


def test_labels_follow_the_community_and_named_buildings():
    community = Community.model_validate(
        {
            "code": "x",
            "name": "X",
            "buildings": [
                {"name": "3", "entrances": 2, "floors": 20, "rooms_per_floor": 4},
                "商铺",
                {"name": "别墅", "unit_format": "{room}号别墅"},
            ],
        }
    )
    b3, shop, villa = community.buildings
    assert label(community, b3, 2, "1201") == "3栋2单元1201"
    assert label(community, b3, None, "1201") == "3栋1201"
    assert label(community, shop, None, "S-101") == "商铺S-101"
    assert label(community, villa, None, "12") == "12号别墅"
    assert not shop.arithmetic and b3.arithmetic
    assert example(DEMO) == "1栋1单元1201"


def test_a_building_listed_twice_under_two_spellings_is_an_error():
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="building listed twice"):
        Community.model_validate({"code": "x", "name": "X", "buildings": ["3", "3栋"]})
    with pytest.raises(ValidationError, match="floors and rooms_per_floor"):
        Community.model_validate(
            {"code": "x", "name": "X", "buildings": [{"name": "1", "floors": 3}]}
        )
