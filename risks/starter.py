"""Starter risks a school can adopt, edit or ignore: the seed's home-laptop example and
common online-safety risks from current guidance (KCSIE 2025, the DfE filtering and
monitoring and cyber security standards, UKCIS, NCSC). Scores are suggestions on the
3 x 3 matrix (likelihood, impact), before (inherent) and after mitigation (current).
"""

from dataclasses import dataclass, field

from .models import Category, Setting


@dataclass(frozen=True)
class StarterRisk:
    key: str
    title: str
    description: str
    category: str
    applies_in: tuple
    inherent: tuple  # (likelihood, impact) before mitigation
    current: tuple  # (likelihood, impact) after mitigation
    likelihood_reason: str
    impact_reason: str
    technical: str
    education: str
    suggested_owners: tuple = field(default=("e-safety officer",))


STARTER_RISKS = [
    StarterRisk(
        key="home-laptop",
        title="School laptop used for home study on unfiltered home internet",
        description=(
            "A pupil borrows a school laptop for home study. The home internet connection "
            "may not be filtered, so the pupil could reach harmful content."
        ),
        category=Category.CONTENT,
        applies_in=(Setting.HOME, Setting.OFF_SITE),
        inherent=(3, 3),
        current=(3, 3),  # as the policy assessed it; re-score once the mitigation is in
        likelihood_reason=(
            "Children are inquisitive and may seek out unsavoury content, or come across it "
            "by accident, on a home connection with no filtering. Likelihood 3."
        ),
        impact_reason=(
            "Potential harm to the pupil; the school may be liable if illegal material is "
            "reached on its equipment; high reputational impact. Impact 3."
        ),
        technical=(
            "The laptop is locked down so that all home traffic goes through the school's "
            "filter (always-on VPN or cloud filtering agent); local admin rights removed."
        ),
        education=(
            "E-safety policy and pupil AUP updated to cover home use; the pupil and their "
            "parent spoken to and the loan agreement signed."
        ),
        suggested_owners=("e-safety officer", "technician"),
    ),
    StarterRisk(
        key="own-phones-mobile-data",
        title="Pupils' own phones on mobile data bypass the school filter",
        description=(
            "Pupils' phones using 4G/5G are outside the school's filtering and monitoring, "
            "on site and on trips."
        ),
        category=Category.CONTENT,
        applies_in=(Setting.ON_SITE, Setting.TRIPS),
        inherent=(3, 3),
        current=(2, 3),
        likelihood_reason="Most older pupils carry a phone with mobile data.",
        impact_reason="Unfiltered access to harmful content and contact during the school day.",
        technical="Phones handed in or locked away during the day (DfE mobile phones guidance).",
        education="Mobile phone policy explained to pupils and parents; staff supervise trips.",
    ),
    StarterRisk(
        key="generative-ai",
        title="Generative AI chatbots: harmful, false or inappropriate output",
        description=(
            "Pupils and staff use AI chatbots that can produce harmful or false content, "
            "collect personal data or be used to make fake images of real people."
        ),
        category=Category.CONTENT,
        applies_in=(Setting.ON_SITE, Setting.HOME),
        inherent=(3, 2),
        current=(2, 2),
        likelihood_reason="AI tools are widely used and easy to reach.",
        impact_reason="Misleading or harmful output; personal data shared with third parties.",
        technical="Only approved AI tools allowed through the filter; others blocked by category.",
        education="AI use taught in computing and PSHE; staff guidance on personal data and AI.",
    ),
    StarterRisk(
        key="nudes-semi-nudes",
        title="Sharing nudes and semi-nudes",
        description=(
            "Pupils create or share nude or semi-nude images or videos of themselves or others."
        ),
        category=Category.CONDUCT,
        applies_in=(Setting.ON_SITE, Setting.HOME),
        inherent=(2, 3),
        current=(2, 3),
        likelihood_reason="Known to happen in most secondary and some primary settings.",
        impact_reason="Serious and lasting harm; possible criminal offence.",
        technical="Incidents of this kind refuse image evidence (UKCIS: never view or store it).",
        education="RSHE lessons; staff trained on the UKCIS advice; pupils told how to report.",
    ),
    StarterRisk(
        key="online-games-contact",
        title="Contact from strangers through online games",
        description="Pupils are contacted by adults or older children through in-game chat.",
        category=Category.CONTACT,
        applies_in=(Setting.HOME,),
        inherent=(3, 3),
        current=(2, 3),
        likelihood_reason="Many pupils play online games with open chat.",
        impact_reason="Grooming and exploitation can follow.",
        technical="Gaming sites blocked on school devices.",
        education="Lessons on online contact; parents' session on game safety settings.",
    ),
    StarterRisk(
        key="misinformation",
        title="Misinformation, disinformation and conspiracy content",
        description="Pupils meet and believe false or extremist content online.",
        category=Category.CONTENT,
        applies_in=(Setting.ON_SITE, Setting.HOME),
        inherent=(3, 2),
        current=(2, 2),
        likelihood_reason="Common on social media and video sites pupils use.",
        impact_reason="Can lead to harm, radicalisation or distress.",
        technical="Filter blocks extremist categories (Prevent duty).",
        education="Media literacy taught across the curriculum (KCSIE 2025: content risks).",
    ),
    StarterRisk(
        key="staff-social-media",
        title="Staff personal social media",
        description="Staff contact pupils or parents, or post about school, on personal accounts.",
        category=Category.REPUTATIONAL,
        applies_in=(Setting.OFF_SITE, Setting.HOME),
        inherent=(2, 3),
        current=(1, 3),
        likelihood_reason="Most staff have personal accounts; boundaries can blur.",
        impact_reason="Safeguarding concern, allegation or harm to the school's reputation.",
        technical="None (personal accounts are outside the school's systems).",
        education="Staff code of conduct and AUP; induction and yearly training.",
    ),
    StarterRisk(
        key="removable-media",
        title="Personal data on unencrypted removable media",
        description="Pupil or staff personal data copied to USB sticks or personal devices.",
        category=Category.DATA_PROTECTION,
        applies_in=(Setting.ON_SITE, Setting.OFF_SITE, Setting.HOME),
        inherent=(2, 3),
        current=(1, 3),
        likelihood_reason="Staff may copy files to work at home.",
        impact_reason="A lost stick is a personal-data breach (UK GDPR); ICO within 72 hours.",
        technical="USB storage blocked or forced to encrypt; cloud storage with MFA instead.",
        education="Data protection training; staff AUP.",
        suggested_owners=("technician",),
    ),
    StarterRisk(
        key="phishing-ransomware",
        title="Phishing and ransomware",
        description="A phishing email or malicious link leads to stolen accounts or ransomware.",
        category=Category.CYBER,
        applies_in=(Setting.ON_SITE, Setting.HOME),
        inherent=(3, 3),
        current=(2, 3),
        likelihood_reason="Schools are targeted regularly (NCSC).",
        impact_reason="Loss of systems and data; days of disruption.",
        technical="MFA on accounts with personal data, offline backups, patching, email filtering.",
        education="Yearly cyber security training for staff (DfE cyber security standards).",
        suggested_owners=("technician",),
    ),
    StarterRisk(
        key="live-lessons",
        title="Live video lessons",
        description="Remote live lessons expose pupils' homes or allow uninvited people to join.",
        category=Category.CONTACT,
        applies_in=(Setting.HOME,),
        inherent=(2, 2),
        current=(1, 2),
        likelihood_reason="Only in remote teaching; links can be shared.",
        impact_reason="Safeguarding concern and privacy breach.",
        technical="School accounts only, waiting rooms, recording off by default.",
        education="Remote learning code of conduct for staff, pupils and parents.",
    ),
    StarterRisk(
        key="vpn-proxy-bypass",
        title="Filtering bypass through VPNs and proxies",
        description="Pupils use VPN apps, proxy sites or browser extensions to get round filters.",
        category=Category.TECHNICAL,
        applies_in=(Setting.ON_SITE,),
        inherent=(3, 2),
        current=(2, 2),
        likelihood_reason="Bypass tools are easy to find and share.",
        impact_reason="Pupils reach content the filter should block, unseen.",
        technical="Proxy/VPN category blocked; app installs prevented; alerts on bypass.",
        education="AUP explains why; sanctions for deliberate bypass.",
        suggested_owners=("technician",),
    ),
    StarterRisk(
        key="gambling-mechanics",
        title="Gambling-like mechanics in games (loot boxes)",
        description="Pupils spend money on loot boxes and similar chance-based purchases.",
        category=Category.COMMERCE,
        applies_in=(Setting.HOME,),
        inherent=(3, 2),
        current=(2, 2),
        likelihood_reason="Common in popular games.",
        impact_reason="Financial harm and gambling habits.",
        technical="Gambling category blocked on school devices.",
        education="Financial education; parents told about spending controls.",
    ),
    StarterRisk(
        key="filter-failure-unnoticed",
        title="A filtering or monitoring system fails unnoticed",
        description="The filter or monitoring stops (update, licence, outage) and nobody knows.",
        category=Category.TECHNICAL,
        applies_in=(Setting.ON_SITE, Setting.HOME),
        inherent=(2, 3),
        current=(1, 3),
        likelihood_reason="Updates and licence lapses happen; failures are silent.",
        impact_reason="Pupils unprotected until someone notices.",
        technical="Regular checks logged here; provider alerts go to the technician and DSL.",
        education="Staff know to report anything that gets through.",
        suggested_owners=("technician", "e-safety officer"),
    ),
]

BY_KEY = {starter.key: starter for starter in STARTER_RISKS}
