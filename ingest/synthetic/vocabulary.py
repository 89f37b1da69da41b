"""Invented names for the synthetic institution: schools, institutes, lab topics, people, notes.

Every name here is made up in the style of a Swiss technical university; none is a real unit or person.
"""

from dataclasses import dataclass

INSTITUTION_CODE = "EPS"
INSTITUTION_NAME = "Ecole polytechnique synthétique"


@dataclass(frozen=True)
class InstituteVocabulary:
    code: str
    name: str
    lab_topics: tuple[str, ...]


@dataclass(frozen=True)
class SchoolVocabulary:
    code: str
    name: str
    lab_qualifiers: tuple[str, ...]
    institutes: tuple[InstituteVocabulary, ...]


LAB_KINDS = ("Laboratory of", "Chair of", "Group for")

SCHOOLS = (
    SchoolVocabulary(
        "ACE",
        "School of Architecture, Construction and Environment",
        ("Urban", "Sustainable", "Applied", "Computational", "Alpine", "Experimental", "Structural"),
        (
            InstituteVocabulary(
                "IAT",
                "Institute of Architecture and Territory",
                (
                    "Housing Design",
                    "Landscape Architecture",
                    "Building Heritage",
                    "Urban Design",
                    "Timber Construction",
                    "Architectural Theory",
                    "Spatial Planning",
                    "Climate Design",
                ),
            ),
            InstituteVocabulary(
                "ICS",
                "Institute of Civil Structures",
                (
                    "Concrete Structures",
                    "Steel Structures",
                    "Earthquake Engineering",
                    "Bridge Engineering",
                    "Geotechnics",
                    "Structural Monitoring",
                    "Tunnel Engineering",
                ),
            ),
            InstituteVocabulary(
                "IEE",
                "Institute of Environmental Engineering",
                (
                    "Hydrology",
                    "Water Resources",
                    "Air Quality",
                    "Soil Remediation",
                    "Ecohydraulics",
                    "Environmental Chemistry",
                    "Glaciology",
                    "Aquatic Ecology",
                ),
            ),
            InstituteVocabulary(
                "IMT",
                "Institute of Mobility and Transport",
                (
                    "Transport Systems",
                    "Traffic Engineering",
                    "Railway Operations",
                    "Mobility Behaviour",
                    "Logistics Networks",
                ),
            ),
            InstituteVocabulary(
                "IGL",
                "Institute of Geomatics and Land",
                ("Geodesy", "Remote Sensing", "Land Information", "Photogrammetry", "Spatial Analysis"),
            ),
        ),
    ),
    SchoolVocabulary(
        "SFS",
        "School of Fundamental Sciences",
        ("Theoretical", "Experimental", "Computational", "Quantum", "Statistical", "Applied", "Molecular"),
        (
            InstituteVocabulary(
                "IMA",
                "Institute of Mathematics",
                (
                    "Algebraic Geometry",
                    "Number Theory",
                    "Probability",
                    "Numerical Analysis",
                    "Topology",
                    "Optimisation",
                    "Dynamical Systems",
                    "Mathematical Physics",
                ),
            ),
            InstituteVocabulary(
                "IPH",
                "Institute of Physics",
                (
                    "Condensed Matter",
                    "Particle Physics",
                    "Plasma Physics",
                    "Photonics",
                    "Astrophysics",
                    "Biophysics",
                    "Nanoscale Physics",
                    "Ultrafast Spectroscopy",
                ),
            ),
            InstituteVocabulary(
                "ICC",
                "Institute of Chemistry and Chemical Engineering",
                (
                    "Catalysis",
                    "Organic Synthesis",
                    "Electrochemistry",
                    "Polymer Chemistry",
                    "Crystallography",
                    "Surface Chemistry",
                    "Process Engineering",
                    "Green Chemistry",
                ),
            ),
            InstituteVocabulary(
                "IAS",
                "Institute of Astronomy and Space Science",
                ("Galaxy Evolution", "Cosmology", "Exoplanets", "Space Instrumentation", "Stellar Physics"),
            ),
            InstituteVocabulary(
                "IES",
                "Institute of Earth Sciences",
                ("Geochemistry", "Geophysics", "Sedimentology", "Mineralogy", "Volcanology"),
            ),
        ),
    ),
    SchoolVocabulary(
        "SET",
        "School of Engineering and Technology",
        ("Applied", "Advanced", "Integrated", "Multiscale", "Sustainable", "Digital", "Experimental"),
        (
            InstituteVocabulary(
                "IME",
                "Institute of Mechanical Engineering",
                (
                    "Fluid Mechanics",
                    "Thermal Systems",
                    "Robotics",
                    "Turbomachinery",
                    "Design Engineering",
                    "Tribology",
                    "Combustion",
                ),
            ),
            InstituteVocabulary(
                "IEL",
                "Institute of Electrical Engineering",
                (
                    "Power Electronics",
                    "Signal Processing",
                    "Microwave Engineering",
                    "Integrated Circuits",
                    "Power Systems",
                    "Photovoltaics",
                    "Control Systems",
                ),
            ),
            InstituteVocabulary(
                "IMX",
                "Institute of Materials Science",
                (
                    "Ceramics",
                    "Metallurgy",
                    "Soft Matter",
                    "Composite Materials",
                    "Thin Films",
                    "Materials Modelling",
                    "Biomaterials",
                ),
            ),
            InstituteVocabulary(
                "IMC",
                "Institute of Microengineering",
                (
                    "Microsystems",
                    "Micro-optics",
                    "Precision Mechanics",
                    "Medical Devices",
                    "Microfluidics",
                    "Watch Technology",
                ),
            ),
            InstituteVocabulary(
                "IEN",
                "Institute of Energy",
                (
                    "Energy Storage",
                    "Hydrogen Systems",
                    "Energy Systems",
                    "Wind Energy",
                    "Geothermal Energy",
                    "Building Energy",
                ),
            ),
            InstituteVocabulary(
                "IBE",
                "Institute of Bioengineering",
                (
                    "Tissue Engineering",
                    "Neuroprosthetics",
                    "Biomechanics",
                    "Synthetic Biology",
                    "Medical Imaging",
                ),
            ),
        ),
    ),
    SchoolVocabulary(
        "SCI",
        "School of Computing and Information",
        ("Distributed", "Applied", "Theoretical", "Secure", "Scalable", "Probabilistic", "Interactive"),
        (
            InstituteVocabulary(
                "ICO",
                "Institute of Computer Science",
                (
                    "Algorithms",
                    "Programming Languages",
                    "Databases",
                    "Operating Systems",
                    "Computer Graphics",
                    "Software Engineering",
                    "Computer Architecture",
                ),
            ),
            InstituteVocabulary(
                "INS",
                "Institute of Networks and Systems",
                (
                    "Wireless Networks",
                    "Cloud Systems",
                    "Information Theory",
                    "Network Protocols",
                    "Embedded Systems",
                ),
            ),
            InstituteVocabulary(
                "IDS",
                "Institute of Data Science",
                (
                    "Machine Learning",
                    "Data Visualisation",
                    "Natural Language Processing",
                    "Computer Vision",
                    "Statistical Learning",
                    "Recommender Systems",
                ),
            ),
            InstituteVocabulary(
                "ISP",
                "Institute of Security and Privacy",
                ("Cryptography", "Systems Security", "Privacy Engineering", "Formal Verification"),
            ),
            InstituteVocabulary(
                "IHC",
                "Institute of Human-Computer Interaction",
                (
                    "Human-Computer Interaction",
                    "Learning Technologies",
                    "Digital Humanities",
                    "Social Computing",
                ),
            ),
        ),
    ),
    SchoolVocabulary(
        "SLS",
        "School of Life Sciences",
        ("Molecular", "Cellular", "Systems", "Translational", "Computational", "Integrative", "Quantitative"),
        (
            InstituteVocabulary(
                "INE",
                "Institute of Neuroscience",
                (
                    "Neurogenetics",
                    "Neural Circuits",
                    "Brain Imaging",
                    "Neurodegeneration",
                    "Sensory Processing",
                    "Behavioural Neuroscience",
                ),
            ),
            InstituteVocabulary(
                "IGH",
                "Institute of Global Health",
                ("Infectious Diseases", "Immunology", "Vaccine Research", "Microbiology", "Epidemiology"),
            ),
            InstituteVocabulary(
                "ICR",
                "Institute of Cancer Research",
                ("Tumour Biology", "Cancer Genomics", "Cell Signalling", "Oncology", "Metastasis"),
            ),
            InstituteVocabulary(
                "IMB",
                "Institute of Molecular Biology",
                (
                    "Structural Biology",
                    "Gene Regulation",
                    "Protein Folding",
                    "Developmental Biology",
                    "Chromatin Biology",
                    "Metabolism",
                ),
            ),
            InstituteVocabulary(
                "IPB",
                "Institute of Plant and Environmental Biology",
                ("Plant Biology", "Microbial Ecology", "Evolutionary Biology", "Ecotoxicology"),
            ),
        ),
    ),
)

FIRST_NAMES = (
    "Adrien", "Agnès", "Aisha", "Alessandro", "Alexandre", "Alice", "Amélie", "Ana", "Andrea", "Anna",
    "Antoine", "Arjun", "Aurélie", "Beat", "Benjamin", "Bruno", "Camille", "Carla", "Caroline", "Chen",
    "Chiara", "Christian", "Claire", "Claudia", "Corinne", "Daniel", "David", "Dimitri", "Elena",
    "Eliane", "Emma", "Eva", "Fabian", "Fatima", "Federico", "Florian", "Francesca", "François",
    "Gabriel", "Giulia", "Hannah", "Hans", "Hélène", "Hugo", "Ines", "Isabelle", "Ivan", "Jakob", "Jan",
    "Jeanne", "Jiayi", "Jonas", "Julia", "Julien", "Karin", "Katarzyna", "Laura", "Léa", "Leonardo",
    "Lina", "Lorenzo", "Luca", "Lucie", "Lukas", "Marc", "Maria", "Marie", "Marco", "Martin", "Mathieu",
    "Matteo", "Mehdi", "Mei", "Mia", "Michael", "Nadia", "Nicolas", "Nina", "Noah", "Olivier", "Omar",
    "Pascal", "Paula", "Pierre", "Priya", "Rafael", "Raphaël", "Reto", "Riccardo", "Rosa", "Samuel",
    "Sara", "Sebastian", "Silvia", "Simon", "Sofia", "Sophie", "Stefan", "Tanja", "Thomas", "Ursula",
    "Valentina", "Victor", "Vincent", "Wei", "Yann", "Yasmin", "Yuki", "Zoé",
)  # fmt: skip

LAST_NAMES = (
    "Aebi", "Ammann", "Baumann", "Beck", "Berger", "Bernasconi", "Blanc", "Bonvin", "Brunner", "Bühler",
    "Chappuis", "Chen", "Clerc", "Colombo", "Costa", "Da Silva", "Dubois", "Dufour", "Egger", "Favre",
    "Fernandes", "Ferrari", "Fischer", "Fontana", "Frei", "Gasser", "Gerber", "Girard", "Graf",
    "Gschwind", "Guerra", "Hofer", "Huber", "Imhof", "Iyer", "Jaccard", "Jaquet", "Kälin", "Keller",
    "Kim", "Kovač", "Kowalski", "Kuhn", "Lambert", "Lehmann", "Leuenberger", "Li", "Lombardi", "Lüthi",
    "Marti", "Martin", "Mauron", "Meier", "Mercier", "Meyer", "Monnier", "Moser", "Müller", "Nguyen",
    "Nowak", "Oberholzer", "Pellet", "Perret", "Petrov", "Piccand", "Python", "Rey", "Richard",
    "Rochat", "Romano", "Roth", "Rossi", "Roux", "Sato", "Schaller", "Schmid", "Schneider", "Schwab",
    "Singh", "Sommer", "Steiner", "Suter", "Tanaka", "Tschopp", "Vogel", "Vuilleumier", "Wang", "Weber",
    "Wenger", "Widmer", "Wyss", "Yilmaz", "Zanetti", "Zhang", "Zimmermann", "Zürcher",
)  # fmt: skip

TRAVEL_NOTES = (
    "Conference",
    "Invited talk",
    "Project meeting",
    "Collaboration visit",
    "Workshop",
    "Fieldwork",
    "Summer school",
    "Thesis jury",
    "Review panel",
)
