"""The standard "What to do if..." guides, as data: loaded for every school on first use
(guides.standard_guides_loaded), each replaced by a school's own copy once it makes one.

Written from the 2018 policy's two flowcharts (inappropriate use, illegal use), its
pupil and staff infringement tables and its "What do we do if..." list, in current terms
(the policy is out of date in places):
- KCSIE 2025: the designated safeguarding lead (DSL, our "e-safety officer") leads on
  online safety; allegations about adults go to the headteacher (about the headteacher, to
  the chair of trustees) and the LADO within one working day; concerns that do not meet
  that threshold are low-level concerns; the 4 Cs (content, contact, conduct, commerce).
- UKCIS "Sharing nudes and semi-nudes" (2024, the term replaces "sexting"): never view,
  copy, print, share, store or save the imagery, nor ask a child to.
- Child sexual abuse images: the police (999 if a child is in danger, else 101), CEOP for
  online grooming, the IWF for images online. The 2018 policy says "suspend the member of
  staff immediately"; today the headteacher decides on suspension with the LADO and the
  police, so that the person is not alerted before the police act.
- Prevent duty (2023 guidance) for extremism; DfE "Searching, screening and confiscation"
  (2022): a device that may hold indecent images is secured for the police, not looked at.

A step is a question (answers lead on), advice (what to do now, what not to do, whom to
tell, which local contacts to show) or an end (what to record, and the form it opens). An
answer's `prefill` and an end's `prefill` fill in the incident form (guides.PREFILL_FIELDS).
"""

# Local contacts (esafety ContactKind values), most urgent first.
EMERGENCY, LADO, MASH, CEOP, IWF = "emergency", "lado", "mash", "ceop", "iwf"
POLICE, PREVENT, NSPCC, HARMFUL = "police", "prevent", "nspcc", "report_harmful_content"
WHISTLEBLOWING = "whistleblowing"

TELL_DSL_NOW = "The designated safeguarding lead (DSL), in person or by phone, now."
NEVER_IMAGES = (
    "Do not open, view, copy, print, forward, share, store or save the images, or ask "
    "anyone else to. Do not take a screenshot. Do not ask the child to show you or to "
    "delete them."
)
DONT_INVESTIGATE = (
    "Do not investigate it yourself or question anyone about it. Do not tell the person "
    "the concern is about."
)
PUPIL, STAFF, HEAD, OUTSIDE = (
    {"subject": "pupil"},
    {"subject": "staff"},
    {"subject": "headteacher"},
    {"subject": "outside"},
)


def ask(key, text, *answers):
    """A question; each answer is (label, next step's key) or (label, key, prefill)."""
    return {"key": key, "kind": "question", "text": text, "answers": list(answers)}


def advise(key, text, *, next_key, do_now="", do_not="", tell="", contacts=()):
    return {
        "key": key,
        "kind": "advice",
        "text": text,
        "do_now": do_now,
        "do_not": do_not,
        "tell": tell,
        "contact_kinds": list(contacts),
        "answers": [("I have done this: what next?", next_key)],
    }


def end(key, text, *, action="incident", prefill=None, do_now="", tell="", contacts=()):
    return {
        "key": key,
        "kind": "end",
        "text": text,
        "do_now": do_now,
        "tell": tell,
        "contact_kinds": list(contacts),
        "end_action": action,
        "prefill": prefill or {},
        "answers": [],
    }


LOG_IT = "Log it now, while you remember the details: the form is filled in with your answers."

# --- the staff half, shared by the guides (each guide has its own copy of the steps) -------


def staff_steps(prefix):
    return [
        ask(
            f"{prefix}-staff",
            "Could what the adult did have harmed a child, or suggest they may be a risk to "
            "children? For example contacting a pupil privately online, sexual or violent "
            "material, or a relationship with a pupil.",
            ("Yes, or not sure", f"{prefix}-allegation", {"child_at_risk_now": "not_sure"}),
            (
                "No: they broke the rules on using school computers, data or passwords",
                f"{prefix}-misuse",
            ),
            ("No: it does not fit the staff code of conduct, but is not harm", f"{prefix}-llc"),
        ),
        advise(
            f"{prefix}-allegation",
            "This is an allegation about an adult who works with children.",
            next_key=f"{prefix}-allegation-end",
            do_now="Write down what you saw or were told, in the words used, with the date "
            "and time. Keep any device or paper as it is.",
            do_not=DONT_INVESTIGATE,
            tell="The headteacher, today. If it is about the headteacher, the chair of "
            "trustees instead. They tell the LADO within one working day.",
            contacts=(LADO, EMERGENCY, WHISTLEBLOWING),
        ),
        end(
            f"{prefix}-allegation-end",
            "Log the concern: it goes straight to the headteacher (about the headteacher, to "
            "the chair of trustees), and the person it is about will not see it.",
            prefill={"risk_area": "conduct"},
        ),
        advise(
            f"{prefix}-misuse",
            "Misuse of the school's computers, data or passwords by an adult (staff "
            "misconduct, or gross misconduct if deliberate or serious).",
            next_key=f"{prefix}-misuse-end",
            do_now="If a computer may hold offensive material, switch off the screen and keep "
            "it where no one else can use it. A lost or shared password: ask the technician "
            "to change it now.",
            do_not="Do not look through the computer or the files yourself.",
            tell="The headteacher (or the member of staff's line manager). A possible data "
            "breach: the school's data protection lead today (the ICO may need telling "
            "within 72 hours).",
        ),
        end(
            f"{prefix}-misuse-end",
            LOG_IT,
            prefill={"risk_area": "conduct", "location": "on_site"},
        ),
        end(
            f"{prefix}-llc",
            "This is a low-level concern: share it with the headteacher in confidence, "
            "however small it seems. Patterns matter.",
            action="concern",
            tell="The headteacher, through the low-level concern form.",
        ),
    ]


INAPPROPRIATE_USE = {
    "slug": "inappropriate-use",
    "title": "Inappropriate use",
    "summary": "A pupil or an adult misused technology, and it is not illegal.",
    "order": 10,
    "steps": [
        ask(
            "start",
            "Is a child at risk of harm now, or could it be illegal (for example child sexual "
            "abuse images, extremist material, threats, blackmail)?",
            ("Yes, or not sure", "stop-illegal", {"child_at_risk_now": "not_sure"}),
            ("No", "who"),
        ),
        end(
            "stop-illegal",
            "Treat it as illegal use: follow the 'Illegal use' guide, or act on this now.",
            do_now="Leave any device as it is, screen off, where no one can use it. "
            + NEVER_IMAGES,
            tell=TELL_DSL_NOW + " A child in danger now: call 999.",
            contacts=(EMERGENCY, CEOP, IWF),
        ),
        ask(
            "who",
            "Who misused technology?",
            ("A pupil", "pupil", PUPIL),
            ("An adult who works or volunteers here", "adult-staff", STAFF),
            ("The headteacher", "adult-staff", HEAD),
        ),
        ask(
            "pupil",
            "What did the pupil do?",
            (
                "Used websites, apps, email or a phone in lessons without permission",
                "pupil-rules",
                {"risk_area": "conduct", "location": "on_site"},
            ),
            (
                "Sent or posted unkind, bullying or hurtful messages, images or videos",
                "pupil-bullying",
                {"risk_area": "conduct"},
            ),
            (
                "Looked for, or came across, offensive or pornographic material",
                "pupil-content",
                {"risk_area": "content"},
            ),
            ("Bought, sold or gambled online", "pupil-commerce", {"risk_area": "commerce"}),
        ),
        advise(
            "pupil-rules",
            "Breaking the rules for using technology (the school's acceptable use agreement).",
            next_key="pupil-end",
            do_now="Stop the activity and remind the pupil of the agreement they signed. If "
            "they were warned before, say so in the log: repeated misuse goes to the "
            "e-safety officer, who may remove access for a time or contact parents.",
            do_not="Do not look through the pupil's phone or messages.",
            tell="The class teacher; the e-safety officer if it keeps happening.",
        ),
        advise(
            "pupil-bullying",
            "Online bullying (cyberbullying).",
            next_key="pupil-end",
            do_now="Reassure the pupil being bullied. Write down what the messages say and "
            "where they are (app, group, account names). Ask for them to be kept, not deleted.",
            do_not="Do not reply to the messages or contact the person sending them. Do not "
            "copy or forward images of pupils.",
            tell="The e-safety officer today. Parents are told by the school.",
            contacts=(HARMFUL, NSPCC),
        ),
        advise(
            "pupil-content",
            "Offensive or pornographic material on a school device or network.",
            next_key="pupil-end",
            do_now="Switch off the screen (do not close anything), note the time, the device "
            "and the web address if you saw it. Talk to the pupil about what they saw.",
            do_not="Do not show it to anyone else or look at it again.",
            tell="The e-safety officer today, and the technician, to check the filtering.",
        ),
        advise(
            "pupil-commerce",
            "Buying, selling, gambling or a scam online (commerce).",
            next_key="pupil-end",
            do_now="Note what was bought or promised, on which site or app, and any money lost.",
            tell="The e-safety officer; parents are told by the school.",
            contacts=(POLICE,),
        ),
        end("pupil-end", LOG_IT),
        *staff_steps("adult"),
    ],
}

ILLEGAL_USE = {
    "slug": "illegal-use",
    "title": "Illegal use",
    "summary": "Suspected child sexual abuse images, extremist material, or another crime.",
    "order": 20,
    "steps": [
        ask(
            "start",
            "What have you found, or been told about?",
            (
                "Suspected child sexual abuse images or videos",
                "abuse-images",
                {
                    "suspected_illegal_material": True,
                    "image_of_child": "yes",
                    "risk_area": "content",
                },
            ),
            (
                "Extremist or terrorist material, or a child being drawn into extremism",
                "extremism",
                {"risk_area": "content"},
            ),
            (
                "Another possible crime: threats, hate crime, blackmail, hacking",
                "crime",
                {"risk_area": "conduct"},
            ),
        ),
        advise(
            "abuse-images",
            "Suspected child sexual abuse images are a crime to make, hold or share, even "
            "to report them.",
            next_key="abuse-who",
            do_now="Leave the device as it is: switch off the screen (not the device), keep "
            "it where no one can use it, and give it only to the DSL or the police. Note "
            "when and how you came across it.",
            do_not=NEVER_IMAGES + " Do not move or delete any files.",
            tell=TELL_DSL_NOW + " The DSL calls the police. A child in danger now: call 999.",
            contacts=(EMERGENCY, POLICE, CEOP, IWF),
        ),
        ask(
            "abuse-who",
            "Who had the images, or is involved?",
            ("An adult who works or volunteers here", "abuse-adult", STAFF),
            ("The headteacher", "abuse-adult", HEAD),
            ("A pupil", "illegal-end", PUPIL),
            ("Someone outside the school, or not known", "illegal-end", OUTSIDE),
        ),
        advise(
            "abuse-adult",
            "An adult who works with children may hold child sexual abuse images.",
            next_key="illegal-end",
            do_now="Keep their device secure if it is in school. The headteacher (or the chair "
            "of trustees) calls the police and the LADO and suspends the adult on their "
            "advice, so that the adult is not warned before the police act.",
            do_not=DONT_INVESTIGATE + " " + NEVER_IMAGES,
            tell="The headteacher now; about the headteacher, the chair of trustees.",
            contacts=(EMERGENCY, POLICE, LADO),
        ),
        advise(
            "extremism",
            "A concern that a child or adult is being drawn into extremism or terrorism "
            "(the Prevent duty), or extremist material in school.",
            next_key="illegal-end",
            do_now="Note what was seen or said, where, and any web addresses or account "
            "names. Keep any device as it is.",
            do_not="Do not share the material or look for more. Do not challenge the person.",
            tell=TELL_DSL_NOW + " The DSL decides on a Prevent referral.",
            contacts=(EMERGENCY, PREVENT, POLICE),
        ),
        advise(
            "crime",
            "Another online crime: threats of violence, hate crime, blackmail (including "
            "sextortion: being made to pay or send more images), hacking or fraud.",
            next_key="illegal-end",
            do_now="Keep the messages as they are (do not delete them or the account). Note "
            "the account names, the app and the times. If someone is being blackmailed, tell "
            "them not to pay and not to send anything more.",
            do_not="Do not reply to the sender. " + NEVER_IMAGES,
            tell=TELL_DSL_NOW,
            contacts=(EMERGENCY, POLICE, CEOP),
        ),
        end("illegal-end", LOG_IT + " The log form shows the illegal material steps again."),
    ],
}

WHAT_IF = {
    "slug": "what-do-we-do-if",
    "title": "What do we do if...",
    "summary": "The usual situations, one by one: nudes, bullying, contact from an adult, "
    "upsetting content, a worry about a member of staff.",
    "order": 30,
    "steps": [
        ask(
            "start",
            "What has happened?",
            (
                "A pupil has been sent, or has shared, a nude or semi-nude image",
                "nudes",
                {"image_of_child": "yes", "subject": "pupil", "risk_area": "conduct"},
            ),
            ("A pupil is being bullied online", "bullying", {**PUPIL, "risk_area": "conduct"}),
            (
                "An adult or an older young person has contacted a pupil online",
                "contact",
                {**PUPIL, "contact_from_older": "yes", "risk_area": "contact"},
            ),
            (
                "A pupil has seen upsetting content (violent, sexual, hateful, or false)",
                "content",
                {**PUPIL, "risk_area": "content"},
            ),
            ("A pupil tells you something worrying", "disclosure", PUPIL),
            ("I am worried about a member of staff's online conduct", "staff-staff", STAFF),
        ),
        advise(
            "nudes",
            "Sharing nudes and semi-nudes (UKCIS 2024). This may be a crime even between "
            "children; the DSL decides what happens, with the police or social care if needed.",
            next_key="nudes-risk",
            do_now="Reassure the pupil they did the right thing telling you. If you have the "
            "device, switch it off and give it to the DSL.",
            do_not=NEVER_IMAGES + " Do not tell the parents yourself: the DSL decides when.",
            tell=TELL_DSL_NOW,
            contacts=(CEOP, IWF, NSPCC),
        ),
        ask(
            "nudes-risk",
            "Is an adult involved, was the pupil pressured or blackmailed, or is the pupil "
            "at risk now?",
            (
                "Yes, or not sure",
                "nudes-end",
                {"child_at_risk_now": "not_sure", "contact_from_older": "not_sure"},
            ),
            ("No", "nudes-end", {"child_at_risk_now": "no", "contact_from_older": "no"}),
        ),
        end("nudes-end", LOG_IT + " Describe the image in words only; never attach it."),
        advise(
            "bullying",
            "Online bullying (cyberbullying).",
            next_key="pupil-end",
            do_now="Listen and reassure. Note what was said, where (app, group, account "
            "names) and when. Ask for the messages to be kept, not deleted.",
            do_not="Do not reply or contact the person sending them. Do not copy images of pupils.",
            tell="The e-safety officer today.",
            contacts=(HARMFUL, NSPCC),
        ),
        advise(
            "contact",
            "Contact from an adult or older young person online may be grooming: asking to "
            "keep secrets, for photos, to move to another app, or to meet.",
            next_key="pupil-end",
            do_now="Keep the messages (do not delete the account). Note the account names "
            "and app. If the pupil has agreed to meet someone, act now.",
            do_not="Do not contact the person or pretend to be the pupil.",
            tell=TELL_DSL_NOW + " The DSL reports to CEOP or the police.",
            contacts=(EMERGENCY, CEOP, MASH),
        ),
        advise(
            "content",
            "Upsetting or inappropriate content: violent, sexual, hateful, or false and "
            "misleading (misinformation, conspiracy theories).",
            next_key="pupil-end",
            do_now="Talk to the pupil about what they saw and how they feel. On a school "
            "device: switch off the screen and note the web address and time.",
            do_not="Do not show it to others or look for more.",
            tell="The e-safety officer today; the technician to check the filtering.",
            contacts=(HARMFUL, IWF),
        ),
        advise(
            "disclosure",
            "A pupil tells you about something worrying online.",
            next_key="pupil-end",
            do_now="Listen, stay calm, and let them talk. Write down their words, the date "
            "and time as soon as you can.",
            do_not="Do not promise to keep it secret. Do not ask leading questions. Do not ask "
            "to see images.",
            tell=TELL_DSL_NOW,
            contacts=(EMERGENCY, MASH, CEOP),
        ),
        end("pupil-end", LOG_IT),
        *staff_steps("staff"),
    ],
}

STANDARD_GUIDES = (INAPPROPRIATE_USE, ILLEGAL_USE, WHAT_IF)
