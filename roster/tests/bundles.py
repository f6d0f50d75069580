# ruff: noqa: E501  (OneRoster rows are kept whole, as the files hold them)
"""OneRoster 1.1 and 1.2 CSV bundles for the tests, built in memory. Fictional school
(URN 999999), fictional people, .example email domains, Ofcom drama phone numbers."""

import io
import zipfile

MANIFEST_11 = """propertyName,value
manifest.version,1.0
oneroster.version,1.1
file.academicSessions,bulk
file.categories,absent
file.classes,bulk
file.classResources,absent
file.courses,bulk
file.courseResources,absent
file.demographics,absent
file.enrollments,bulk
file.lineItems,absent
file.orgs,bulk
file.resources,absent
file.results,absent
file.users,bulk
source.systemName,Fixture MIS
source.systemCode,FIXTURE
"""
MANIFEST_12 = (
    MANIFEST_11.replace("oneroster.version,1.1", "oneroster.version,1.2")
    + "file.roles,bulk\n"
    + "".join(
        f"file.{name},absent\n"
        for name in (
            "userProfiles",
            "userResources",
            "scoreScales",
            "lineItemLearningObjectiveIds",
            "lineItemScoreScales",
            "resultLearningObjectiveIds",
            "resultScoreScales",
        )
    )
)
ORGS = """sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId
org-001,,,Hollybrook Academy,school,999999,
"""
SESSIONS = """sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,schoolYear
as-2627,,,2026/27,schoolYear,2026-09-01,2027-07-22,,2027
"""
COURSES = """sourcedId,status,dateLastModified,schoolYearSourcedId,title,courseCode,grades,orgSourcedId,subjects,subjectCodes
crs-sci-y7,,,as-2627,Year 7 Science,SCI7,07,org-001,Science,
"""
CLASSES = """sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods
cls-7x-sc1,,,7X/Sc1,07,crs-sci-y7,7X/Sc1,scheduled,Lab 2,org-001,as-2627,Science,,
cls-7x,,,7X,07,crs-sci-y7,7X,homeroom,Room 4,org-001,as-2627,,,
"""
ENROLLMENTS = """sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary,beginDate,endDate
enr-001,,,cls-7x-sc1,org-001,tch-001,teacher,true,2026-09-01,2027-07-22
enr-002,,,cls-7x-sc1,org-001,tch-002,teacher,false,2026-09-01,2027-07-22
enr-003,,,cls-7x-sc1,org-001,stu-001,student,,2026-09-01,2027-07-22
enr-004,,,cls-7x-sc1,org-001,stu-002,student,,2026-09-01,2027-07-22
enr-005,,,cls-7x-sc1,org-001,stu-003,student,,2026-09-01,2027-07-22
enr-006,,,cls-7x,org-001,stu-001,student,,2026-09-01,2027-07-22
enr-007,,,cls-7x,org-001,stu-002,student,,2026-09-01,2027-07-22
enr-008,,,cls-7x,org-001,stu-003,student,,2026-09-01,2027-07-22
"""
USERS_11_HEADER = (
    "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,"
    "givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password"
)
USERS_11 = [
    "stu-001,,,true,org-001,student,amelia.hart,{MIS:1001},Amelia,Hart,,ADM1001,amelia.hart@pupils.hollybrook.example,,,par-001,07,",
    "stu-002,,,true,org-001,student,oliver.hart,{MIS:1002},Oliver,Hart,James,ADM1002,oliver.hart@pupils.hollybrook.example,,,par-001,07,",
    "stu-003,,,true,org-001,student,priya.nair,{MIS:1003},Priya,Nair,,ADM1003,priya.nair@pupils.hollybrook.example,,,par-002,07,",
    'par-001,,,true,org-001,parent,sarah.hart@example.com,{MIS:5001},Sarah,Hart,,,sarah.hart@example.com,+447700900123,,"stu-001,stu-002",,',
    "par-002,,,true,org-001,guardian,ravi.nair@example.com,{MIS:5002},Ravi,Nair,,,ravi.nair@example.com,,+441632960001,stu-003,,",
    "tch-001,,,true,org-001,teacher,d.okafor,{MIS:9001},Daniel,Okafor,,STF001,d.okafor@hollybrook.example,,,,,",
    "tch-002,,,true,org-001,teacher,e.walsh,{MIS:9002},Emma,Walsh,,STF002,e.walsh@hollybrook.example,,,,,",
]
USERS_12_HEADER = (
    "sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,familyName,"
    "middleName,identifier,email,sms,phone,agentSourcedIds,grades,password,"
    "userMasterIdentifier,preferredGivenName,preferredMiddleName,preferredFamilyName,"
    "primaryOrgSourcedId,pronouns"
)
USERS_12 = [
    "stu-001,,,true,amelia.hart,{MIS:1001},Amelia,Hart,,ADM1001,amelia.hart@pupils.hollybrook.example,,,par-001,07,,,Millie,,,org-001,",
    'stu-002,,,true,oliver.hart,{MIS:1002},Oliver,Hart,James,ADM1002,oliver.hart@pupils.hollybrook.example,,,"par-001,tch-002",07,,,,,,org-001,',
    "stu-003,,,true,priya.nair,{MIS:1003},Priya,Nair,,ADM1003,priya.nair@pupils.hollybrook.example,,,par-002,07,,,,,,org-001,",
    'par-001,,,true,sarah.hart@example.com,{MIS:5001},Sarah,Hart,,,sarah.hart@example.com,+447700900123,,"stu-001,stu-002",,,,,,,org-001,',
    "par-002,,,true,ravi.nair@example.com,{MIS:5002},Ravi,Nair,,,ravi.nair@example.com,,+441632960001,stu-003,,,,,,,org-001,",
    "tch-001,,,true,d.okafor,{MIS:9001},Daniel,Okafor,,STF001,d.okafor@hollybrook.example,,,,,,,,,,org-001,",
    "tch-002,,,true,e.walsh,{MIS:9002},Emma,Walsh,,STF002,e.walsh@hollybrook.example,,,,,,,,,,org-001,",
]
ROLES_HEADER = (
    "sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,endDate,"
    "orgSourcedId,userProfileSourcedId"
)
ROLES_12 = [
    "rol-stu-001,,,stu-001,primary,student,,,org-001,",
    "rol-stu-002,,,stu-002,primary,student,,,org-001,",
    "rol-stu-003,,,stu-003,primary,student,,,org-001,",
    "rol-par-001,,,par-001,primary,parent,,,org-001,",
    "rol-par-002,,,par-002,primary,guardian,,,org-001,",
    "rol-tch-001,,,tch-001,primary,teacher,,,org-001,",
    "rol-tch-002,,,tch-002,primary,teacher,,,org-001,",
    "rol-tch-002-p,,,tch-002,secondary,parent,,,org-001,",
]


def csv_text(header: str, rows: list[str]) -> str:
    return "\n".join([header, *rows]) + "\n"


def zip_of(files: dict[str, str | bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue()


def bundle_11(users: list[str] | None = None, **replace) -> bytes:
    """The 1.1 bulk bundle; `users` replaces users.csv's rows, `replace` whole files
    (by name without .csv; None leaves a file out)."""
    files = {
        "manifest": MANIFEST_11,
        "orgs": ORGS,
        "academicSessions": SESSIONS,
        "courses": COURSES,
        "classes": CLASSES,
        "enrollments": ENROLLMENTS,
        "users": csv_text(USERS_11_HEADER, USERS_11 if users is None else users),
    }
    files.update({name.removesuffix("_csv"): value for name, value in replace.items()})
    return zip_of({f"{k}.csv": v for k, v in files.items() if v is not None})


def bundle_12(users: list[str] | None = None, roles: list[str] | None = None, **replace):
    files = {
        "manifest": MANIFEST_12,
        "orgs": ORGS,
        "academicSessions": SESSIONS,
        "courses": COURSES,
        "classes": CLASSES,
        "enrollments": ENROLLMENTS,
        "users": csv_text(USERS_12_HEADER, USERS_12 if users is None else users),
        "roles": csv_text(ROLES_HEADER, ROLES_12 if roles is None else roles),
    }
    files.update({name.removesuffix("_csv"): value for name, value in replace.items()})
    return zip_of({f"{k}.csv": v for k, v in files.items() if v is not None})


def delta_11(rows: list[str]) -> bytes:
    """A delta bundle: only users.csv, with `status` filled in."""
    manifest = "\n".join(
        line.replace(",bulk", ",absent")
        if not line.startswith("file.users")
        else "file.users,delta"
        for line in MANIFEST_11.splitlines()
    )
    return zip_of({"manifest.csv": manifest + "\n", "users.csv": csv_text(USERS_11_HEADER, rows)})


# --- a whole school, for query counts and the benchmark ----------------------------------

GIVEN = ("Amelia", "Oliver", "Priya", "Noah", "Isla", "Kofi", "Maya", "Leo", "Zara", "Finn")
FAMILY = ("Hart", "Nair", "Okafor", "Walsh", "Byrne", "Clarke", "Doyle", "Evans", "Frost")


def school_bundle(
    pupils: int,
    *,
    staff: int = 20,
    moved_up: range | list = (),
    left: range | list = (),
    new_pupils: int = 0,
    new_emails: range | list = (),
    domain: str = "hollybrook.example",
) -> bytes:
    """A OneRoster 1.1 bulk bundle of a fictional secondary school: `pupils` pupils in
    Years 7-11 with a form (homeroom) each and one parent each, and `staff` teachers.
    Changes for a later night: pupils moved up a year, pupils left, new pupils (with a new
    parent each) and parents with a new email address (all by pupil number)."""
    users, classes, enrolments = [], set(), []
    moved_up, left, new_emails = set(moved_up), set(left), set(new_emails)
    for n in range(pupils + new_pupils):
        if n in left:
            continue
        year = 7 + n % 5 + (1 if n in moved_up else 0)
        form = f"{year}{'ABCD'[n // 5 % 4]}"
        classes.add(form)
        given, family = GIVEN[n % len(GIVEN)], FAMILY[n // len(GIVEN) % len(FAMILY)]
        users.append(
            f"stu-{n:05d},,,true,org-001,student,p{n},,{given},{family},,ADM{n:05d},,,,"
            f"par-{n:05d},{year:02d},"
        )
        email = f"parent{n}{'.new' if n in new_emails else ''}@home.{domain}"
        users.append(
            f"par-{n:05d},,,true,org-001,parent,{email},,Sam,{family},,,{email},,,stu-{n:05d},,"
        )
        enrolments.append(f"enr-{n:05d},,,cls-{form},org-001,stu-{n:05d},student,,,")
    for n in range(staff):
        users.append(
            f"tch-{n:03d},,,true,org-001,teacher,t{n},,Alex,{FAMILY[n % len(FAMILY)]},,"
            f"STF{n:03d},t{n}@{domain},,,,,"
        )
    class_rows = [
        f"cls-{form},,,{form},,crs-sci-y7,{form},homeroom,,org-001,as-2627,,,"
        for form in sorted(classes)
    ]
    return bundle_11(
        users,
        classes_csv=csv_text(CLASSES.splitlines()[0], class_rows),
        enrollments_csv=csv_text(ENROLLMENTS.splitlines()[0], enrolments),
    )
