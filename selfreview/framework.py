"""The yearly online-safety self-review's framework: nine aspects, each rated on one
five-level scale, with a short plain-English descriptor of each level.

Written for this product from the duties it already tracks (KCSIE 2025, the DfE filtering
and monitoring and cyber security standards, UK GDPR and the Data Protection Act 2018,
UKCIS "Education for a Connected World" and "Sharing nudes and semi-nudes"), so each
aspect can be set beside what the school's own records say (`evidence.py`). Data, not
code: a later version may move it to an editable table.
"""

from dataclasses import dataclass

LEVELS = {
    1: "Not yet in place",
    2: "Beginning",
    3: "Developing",
    4: "Established",
    5: "Strong and reviewed",
}


@dataclass(frozen=True)
class Aspect:
    key: str
    title: str
    question: str
    descriptors: tuple  # five, for levels 1 to 5

    def descriptor(self, level: int | None) -> str:
        return self.descriptors[level - 1] if level else ""

    def choices(self) -> list[tuple[int, str]]:
        return [(n, f"{n} – {LEVELS[n]}: {self.descriptors[n - 1]}") for n in LEVELS]


ASPECTS = (
    Aspect(
        "leadership",
        "Leadership and policy",
        "Do leaders own online safety, with a current policy reviewed every year?",
        (
            "There is no e-safety policy, or nobody leads on it.",
            "A policy exists but is out of date; the lead is named but has little time for it.",
            "The policy is current; leaders review it when asked, and risks are recorded.",
            "The policy is reviewed yearly and after incidents; the risk register is kept up "
            "to date and trustees approve both.",
            "Leaders and trustees check how the policy works in practice every term and "
            "change it as risks change.",
        ),
    ),
    Aspect(
        "filtering",
        "Filtering and monitoring",
        "Do filtering and monitoring meet the DfE standards, reviewed yearly and checked?",
        (
            "Filtering and monitoring have never been reviewed.",
            "A provider is in place but the yearly review is overdue.",
            "The yearly review is done; checks between reviews are occasional.",
            "The yearly review is signed off and checks are logged every term, with "
            "decisions on what is blocked or allowed recorded.",
            "Checks are regular and acted on; every failed check and breach leads to a "
            "recorded change and an early review.",
        ),
    ),
    Aspect(
        "security",
        "Technical security",
        "Are devices and accounts secure (inventory, updates, encryption, MFA)?",
        (
            "No device inventory; security settings are unknown.",
            "An inventory exists but many devices are missing updates or encryption.",
            "Most devices are compliant; gaps are known and being closed.",
            "Almost every device is encrypted and up to date; MFA protects accounts with "
            "personal data.",
            "Every device is compliant and checked; the inventory is reconciled regularly.",
        ),
    ),
    Aspect(
        "data_protection",
        "Data protection",
        "Are personal-data breaches handled under UK GDPR (the ICO within 72 hours)?",
        (
            "Breaches are not recorded.",
            "Breaches are recorded, but decisions about the ICO are late or missing.",
            "Breaches are recorded and decided; some were late.",
            "Every breach is decided within 72 hours, with the reason recorded when it is "
            "not reported.",
            "Breaches are rare, decided on time and followed by changes that stop them "
            "happening again.",
        ),
    ),
    Aspect(
        "curriculum",
        "Education and the curriculum",
        "Do pupils learn online safety across the UKCIS strands in every year group?",
        (
            "Online safety is not taught in a planned way.",
            "A few lessons are taught, in some year groups.",
            "Lessons cover about half of the strands.",
            "Lessons cover most strands in most year groups and respond to incidents.",
            "Every strand is taught in every year group and pupils help shape the lessons.",
        ),
    ),
    Aspect(
        "training",
        "Staff and trustee training",
        "Have staff and trustees had the online-safety training they must have?",
        (
            "No training requirements are set, or few people have had any.",
            "About half of the people who must be trained are up to date.",
            "Most are up to date; some leadership training is overdue.",
            "Nearly everyone is up to date, including the DSL and trustees.",
            "Everyone is up to date and training is refreshed as risks change.",
        ),
    ),
    Aspect(
        "parents",
        "Parents and the community",
        "Do parents and carers get information and sessions about online safety?",
        (
            "Parents are not given information about online safety.",
            "Information is sent home now and then.",
            "The school holds an online-safety session for parents most years.",
            "Sessions are held every year and parents are told about current risks.",
            "Several sessions a year, planned with parents, reaching most families.",
        ),
    ),
    Aspect(
        "incidents",
        "Reporting and responding to incidents",
        "Are incidents logged, reaching the right person that day and followed up?",
        (
            "Incidents are not logged.",
            "Incidents are logged but often wait days to be seen.",
            "Most incidents are acknowledged in time; some actions run late.",
            "Almost every incident is acknowledged the same school day and followed up.",
            "Incidents are acknowledged on time, reviewed, and lead to changes in teaching, "
            "policy or filtering.",
        ),
    ),
    Aspect(
        "acceptable_use",
        "Acceptable use and consent",
        "Have staff, pupils and parents signed the agreements that apply to them?",
        (
            "No acceptable use agreements are in place.",
            "Agreements exist but fewer than half of the people who must sign have signed.",
            "Most have signed; consent is recorded for some families.",
            "Nearly everyone has signed this year's agreements; consent is current.",
            "Everyone has signed; new starters sign before they get access.",
        ),
    ),
)

BY_KEY = {aspect.key: aspect for aspect in ASPECTS}
ASPECT_CHOICES = [(aspect.key, aspect.title) for aspect in ASPECTS]
