"""A synthetic university for demos, tests and benchmarks.

`generate_institution(out_dir, scale=1.0, seed=42)` writes the files a back office would deliver for an
invented institution ("Ecole polytechnique synthétique": 5 schools, 26 institutes, ~500 labs at scale 1):

- `units.csv`: the unit tree, header `unit_institutional_id,unit_code,unit_name,unit_level,
  parent_unit_institutional_id` (levels 1 institution, 2 school, 3 institute, 4 lab; METHODOLOGY.md §2.1);
- per year, in EPFL's back-office template format (`unit_institutional_id` + the template columns, travel
  files ending with an optional `kg_co2eq`): `headcount_<year>.csv`, `travel_planes_<year>.csv`,
  `travel_trains_<year>.csv` (METHODOLOGY.md §3.1, §3.2), then the files of every other module (equipment,
  process emissions, buildings, external cloud and generative AI, research facilities, purchases) and the
  institution-wide `additional_intensities_<year>.csv` (§3.9; synthetic demo values, labelled so in each row).

The data are valid by construction: real IATA codes from `airportsdata`, station names from
`ingest/reference_data/train_stations.csv`, every traveller a member of the lab in that year, every date
inside its year. Volumes grow linearly with `scale`; one `numpy.random.default_rng(seed)` drives every draw,
so a seed always gives byte-identical files. Layout: `units` (tree), `people` (members and turnover),
`travel` (journeys), `additional` (commuting, food and waste intensities), `vocabulary` (invented names), `templates` (column layouts), `institution` (writer).
"""

from ingest.synthetic.institution import generate_institution

__all__ = ["generate_institution"]
