"""Names, places and trades for simulated groups: small built-in East African lists."""

from __future__ import annotations

import random

# Given (local) names, as a member is written in a group's register: "Akello Grace".
WOMEN_LOCAL = (
    "Akello", "Atim", "Apio", "Auma", "Adong", "Amito", "Lamunu", "Aber", "Anena", "Aciro",
    "Ayaa", "Acen", "Nakato", "Babirye", "Namubiru", "Nabirye", "Nansubuga", "Nalwoga",
    "Namazzi", "Nakibuuka", "Kemigisha", "Kyomuhendo", "Tumusiime", "Achieng", "Akinyi",
    "Atieno", "Wanjiru", "Njeri", "Nekesa", "Naliaka", "Mukamana", "Uwase",
)
WOMEN_GIVEN = (
    "Grace", "Florence", "Harriet", "Betty", "Esther", "Christine", "Agnes", "Rose", "Jane",
    "Sarah", "Joyce", "Margaret", "Scovia", "Immaculate", "Prossy", "Winnie", "Brenda",
    "Doreen", "Evelyn", "Susan", "Judith", "Lillian", "Mercy", "Stella",
)
MEN_LOCAL = (
    "Okello", "Opio", "Odongo", "Ocen", "Okot", "Ojok", "Oryem", "Komakech", "Onen", "Olanya",
    "Kato", "Wasswa", "Mugisha", "Ssempala", "Lubega", "Kizza", "Byaruhanga", "Tumwine",
    "Otieno", "Ochieng", "Onyango", "Kamau", "Mwangi", "Wafula", "Barasa", "Habimana",
)
MEN_GIVEN = (
    "Moses", "Patrick", "Charles", "Joseph", "Samuel", "Geoffrey", "Denis", "Richard",
    "Robert", "Emmanuel", "David", "Francis", "Simon", "Godfrey", "Isaac", "Peter", "James",
    "Martin", "Ronald", "Alfred",
)
GROUP_NAMES = (
    "Tusubira", "Twekembe", "Kwagala", "Rwot Ber", "Can Deg", "Obedi Kacel", "Mon Kiteko",
    "Tic Aye Lonyo", "Kica Ber", "Twegatte", "Tweyambe", "Agali Awamu", "Tukolerewamu",
    "Bakyala Tweyambe", "Kisakye", "Twimukye", "Wan Aye", "Gen Rwot", "Lacan Pe Nino",
    "Ribbe Kacel", "Tugende Mumaaso", "Bidii", "Umoja", "Tujijenge", "Jikaze",
)
# Districts and some of their sub-counties: a union's groups are neighbours.
SUB_COUNTIES: dict[str, tuple[str, ...]] = {
    "Gulu": ("Bungatira", "Paicho", "Awach", "Unyama", "Patiko", "Odek", "Lalogi", "Bobi"),
    "Lira": ("Adekokwok", "Amach", "Barr", "Ogur", "Agali", "Aromo", "Lira"),
    "Kitgum": ("Mucwini", "Labongo", "Akwang", "Omiya Anyima", "Lagoro", "Namokora"),
    "Mbale": ("Bungokho", "Busoba", "Nakaloke", "Bufumbo", "Busiu", "Bukonde"),
    "Masaka": ("Kyanamukaaka", "Buwunga", "Mukungwe", "Kabonera", "Bukakata"),
    "Hoima": ("Kitoba", "Buhanika", "Kigorobya", "Bugambe", "Kyabigambire"),
}
LOCALITIES = tuple(SUB_COUNTIES)
ENTERPRISES = (
    "poultry", "piggery", "goat rearing", "tailoring", "maize milling", "bee keeping",
    "vegetable growing", "fish smoking", "brick making", "shea butter processing",
    "groundnut trading", "tree nursery",
)
EARNINGS = {
    "poultry": "egg sales", "piggery": "sale of weaners", "goat rearing": "sale of goats",
    "tailoring": "school uniform orders", "maize milling": "milling fees",
    "bee keeping": "honey sales", "vegetable growing": "tomato and cabbage sales",
    "fish smoking": "smoked fish sales", "brick making": "brick sales",
    "shea butter processing": "shea butter sales", "groundnut trading": "groundnut sales",
    "tree nursery": "seedling sales",
}
FINE_REASONS = ("late for the meeting", "forgot the passbook", "talking out of turn",
                "phone rang during the meeting")
GRANT_REASONS = ("funeral of a family member", "hospital bill", "house destroyed by fire",
                 "child's medical treatment")


def member_name(rng: random.Random, gender: str) -> str:
    """A name like "Akello Grace" (local name first, as group registers write it)."""
    if gender == "female":
        return f"{rng.choice(WOMEN_LOCAL)} {rng.choice(WOMEN_GIVEN)}"
    return f"{rng.choice(MEN_LOCAL)} {rng.choice(MEN_GIVEN)}"


def group_name(index: int) -> str:
    """The index-th group name; the list repeats with a round number after the first pass."""
    base = GROUP_NAMES[index % len(GROUP_NAMES)]
    round_number = index // len(GROUP_NAMES)
    return base if round_number == 0 else f"{base} {round_number + 1}"


def earnings_description(enterprise: str) -> str:
    return EARNINGS.get(enterprise, f"{enterprise} sales")


def locality(rng: random.Random, district: str) -> str:
    """A sub-county of the district, written as the groups' registers do: "Awach, Gulu"."""
    return f"{rng.choice(SUB_COUNTIES[district])}, {district}"
