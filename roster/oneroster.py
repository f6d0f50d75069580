"""OneRoster 1.1 and 1.2 people, classes and enrolments, from a CSV bundle or REST JSON.

Both sources are read into the same `RosterData`; `records.py` turns it into the people
import's rows. Columns are read by name, never by position (real exports have their
columns in other orders, and typos); unknown columns are reported, `metadata.*`
extension columns are ignored except a leaver's destination school.

A bundle's problems are `RosterProblem`s with a message for the page: nothing is
changed when one is raised.
"""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from dataclasses import dataclass, field

MAX_UNZIPPED_BYTES = 50 * 1024 * 1024  # a 5,000-pupil bundle is a few megabytes
MAX_ROWS = 200_000  # rows of one file: far beyond any school's roster
TOO_LARGE = (
    "This zip file holds more than 50 MB of files once unzipped, far more than a school's "
    "OneRoster bundle. Export the bundle again, with only this school's roster in it."
)
GONE_STATUSES = {"tobedeleted", "inactive"}  # "inactive": OneRoster 1.0, as Moodle reads it
DESTINATION_COLUMNS = ("metadata.destinationSchool", "metadata.destination")

# Every column each file may have (1.1 and 1.2 together), and the ones we can't do without.
KNOWN = {
    "manifest": {"propertyName", "value"},
    "orgs": {
        "sourcedId",
        "status",
        "dateLastModified",
        "name",
        "type",
        "identifier",
        "parentSourcedId",
    },
    "users": {
        "sourcedId",
        "status",
        "dateLastModified",
        "enabledUser",
        "orgSourcedIds",
        "role",
        "username",
        "userIds",
        "givenName",
        "familyName",
        "middleName",
        "identifier",
        "email",
        "sms",
        "phone",
        "agentSourcedIds",
        "grades",
        "password",
        "userMasterIdentifier",
        "resourceSourcedIds",
        "preferredGivenName",
        "preferredMiddleName",
        "preferredFamilyName",
        "primaryOrgSourcedId",
        "pronouns",
    },
    "roles": {
        "sourcedId",
        "status",
        "dateLastModified",
        "userSourcedId",
        "roleType",
        "role",
        "beginDate",
        "endDate",
        "orgSourcedId",
        "userProfileSourcedId",
    },
    "classes": {
        "sourcedId",
        "status",
        "dateLastModified",
        "title",
        "grades",
        "courseSourcedId",
        "classCode",
        "classType",
        "location",
        "schoolSourcedId",
        "termSourcedIds",
        "subjects",
        "subjectCodes",
        "periods",
    },
    "enrollments": {
        "sourcedId",
        "status",
        "dateLastModified",
        "classSourcedId",
        "schoolSourcedId",
        "userSourcedId",
        "role",
        "primary",
        "beginDate",
        "endDate",
    },
    "demographics": {
        "sourcedId",
        "status",
        "dateLastModified",
        "birthDate",
        "sex",
        "americanIndianOrAlaskaNative",
        "asian",
        "blackOrAfricanAmerican",
        "nativeHawaiianOrOtherPacificIslander",
        "white",
        "demographicRaceTwoOrMoreRaces",
        "hispanicOrLatinoEthnicity",
        "countryOfBirthCode",
        "stateOfBirthAbbreviation",
        "cityOfBirth",
        "publicSchoolResidenceStatus",
    },
}
REQUIRED = {
    "orgs": ("sourcedId", "name", "type"),
    "users": ("sourcedId", "givenName", "familyName"),
    "roles": ("userSourcedId", "role"),
    "classes": ("sourcedId", "title", "classType"),
    "enrollments": ("classSourcedId", "userSourcedId", "role"),
    "demographics": ("sourcedId", "birthDate"),
}
FILES_READ = ("orgs", "users", "roles", "classes", "enrollments", "demographics")


class RosterProblem(Exception):
    """The source can't be used at all; the message says why, for the school."""


@dataclass
class RosterUser:
    sourced_id: str
    line: int  # users.csv line, or the position in the REST list
    given_name: str = ""
    family_name: str = ""
    email: str = ""
    identifier: str = ""
    status: str = "active"
    roles: list[tuple[str, str]] = field(default_factory=list)  # (role, org sourcedId)
    grades: list[str] = field(default_factory=list)
    agents: list[str] = field(default_factory=list)
    birth_date: str = ""
    destination: str = ""

    @property
    def gone(self) -> bool:
        return self.status in GONE_STATUSES

    @property
    def name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip() or self.sourced_id


@dataclass
class RosterData:
    version: str = "1.1"
    complete: bool = True  # a bulk file or a full pull: anyone missing has left
    users: list[RosterUser] = field(default_factory=list)
    schools: dict[str, str] = field(default_factory=dict)  # org sourcedId -> name
    homerooms: dict[str, str] = field(default_factory=dict)  # user sourcedId -> class title
    has_homerooms: bool = False
    warnings: list[str] = field(default_factory=list)


def split_list(value) -> list[str]:
    """A multi-value cell ("a,b") or a JSON list of strings or GUIDRefs."""
    if isinstance(value, list):
        items = [v.get("sourcedId", "") if isinstance(v, dict) else str(v) for v in value]
    else:
        items = (value or "").split(",")
    return [item.strip() for item in items if item and item.strip()]


def parse_day(value: str, where: str) -> datetime.date | None:
    """A OneRoster date (YYYY-MM-DD, or the date part of a timestamp), else a problem."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value[:10])
    except ValueError:
        raise RosterProblem(
            f"{where}: '{value}' isn't a date. OneRoster dates are written YYYY-MM-DD."
        ) from None


# --- the CSV bundle -----------------------------------------------------------------------


def read_bundle(data: bytes, *, today: datetime.date) -> RosterData:
    """A OneRoster 1.1 or 1.2 CSV bundle (a zip) read into RosterData."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = [i for i in archive.infolist() if not i.is_dir()]
    except (zipfile.BadZipFile, ValueError, OSError):
        raise RosterProblem(
            "This isn't a zip file. Upload the OneRoster CSV bundle (a .zip file) your MIS "
            "exported, without unzipping it."
        ) from None
    if sum(i.file_size for i in infos) > MAX_UNZIPPED_BYTES:
        raise RosterProblem(TOO_LARGE)
    # Files at the top or inside one folder, matched without regard to case.
    by_name = {i.filename.rsplit("/", 1)[-1].lower(): i for i in infos}

    unzipped = _Unzipped()

    def read(name: str) -> list[dict] | None:
        info = by_name.get(f"{name.lower()}.csv")
        if info is None:
            return None
        try:
            with archive.open(info) as member:
                stream = io.BufferedReader(_Counted(member, unzipped))
                return read_csv(name, io.TextIOWrapper(stream, "utf-8-sig", newline=""), roster)
        except UnicodeDecodeError:
            raise RosterProblem(
                f"{name}.csv isn't UTF-8 text. OneRoster files are UTF-8: export the bundle again."
            ) from None
        except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError):
            raise RosterProblem(f"{name}.csv couldn't be read from the zip file.") from None

    roster = RosterData()
    manifest = read("manifest")
    modes = {}
    if manifest is None:
        roster.warnings.append(
            "The bundle has no manifest.csv, so every file in it was read as a full list."
        )
    else:
        props = {row.get("propertyName", ""): row.get("value", "").strip() for row in manifest}
        roster.version = props.get("oneroster.version", "") or roster.version
        modes = {k.removeprefix("file."): v.lower() for k, v in props.items() if k[:5] == "file."}
    users_mode = modes.get("users", "bulk")
    if users_mode == "absent":
        raise RosterProblem(
            "The bundle's manifest says users.csv is absent, so it has no people in it. "
            "Export the bundle again with the users included."
        )
    tables = {}
    for name in FILES_READ:
        tables[name] = None if modes.get(name) == "absent" else read(name)
    if tables["users"] is None:
        raise RosterProblem(
            "The zip file has no users.csv, so it has no people in it. Is this a OneRoster "
            "CSV bundle? Export it again from your MIS."
        )
    if manifest is None or "oneroster.version" not in props:
        header = set(tables["users"][0]) if tables["users"] else set()
        roster.version = "1.1" if "role" in header else "1.2"
    if roster.version not in ("1.1", "1.2", "1.0"):
        raise RosterProblem(
            f"The manifest says OneRoster version {roster.version}; the sync reads 1.1 and 1.2."
        )
    roster.complete = users_mode == "bulk"
    _read_orgs(roster, tables["orgs"])
    _read_users(roster, tables["users"], tables["roles"], tables["demographics"], today)
    _read_classes(roster, tables["classes"], tables["enrollments"], today)
    return roster


class _Unzipped:
    """The bytes unzipped so far from one bundle, against MAX_UNZIPPED_BYTES (the sizes a
    zip file declares are checked first, and what is really unzipped as it is read)."""

    used = 0


class _Counted(io.RawIOBase):
    """A file in the zip, read as a stream, counting what it unzips."""

    def __init__(self, member, unzipped: _Unzipped):
        self.member, self.unzipped = member, unzipped

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.member.read(len(buffer))
        self.unzipped.used += len(data)
        if self.unzipped.used > MAX_UNZIPPED_BYTES:
            raise RosterProblem(TOO_LARGE)
        buffer[: len(data)] = data
        return len(data)


def read_csv(name: str, text, roster: RosterData) -> list[dict]:
    """The rows of one file (a text stream, or its text) as dictionaries keyed by column
    name; `_line` is the line, blank lines not counted. At most MAX_ROWS rows."""
    lines = io.StringIO(text, newline="") if isinstance(text, str) else text
    rows = (row for row in csv.reader(lines) if any(cell.strip() for cell in row))
    try:
        first = next(rows, None)
        if first is None:
            raise RosterProblem(f"{name}.csv is empty: it has no column names.")
        header = [h.strip() for h in first]
        return _rows(name, header, rows, roster)
    except csv.Error as error:
        raise RosterProblem(f"{name}.csv couldn't be read as CSV ({error}).") from None


def _rows(name: str, header: list[str], rows, roster: RosterData) -> list[dict]:
    missing = [c for c in REQUIRED.get(name, ()) if c not in header]
    if missing:
        raise RosterProblem(
            f"{name}.csv has no {', '.join(missing)} column{'s' if len(missing) > 1 else ''}. "
            f"Its first row is: {', '.join(header)[:300]}. Is this a OneRoster file?"
        )
    unknown = [h for h in header if h and h not in KNOWN[name] and not h.startswith("metadata.")]
    if unknown:
        roster.warnings.append(
            f"{name}.csv has columns OneRoster doesn't define, which were ignored: "
            f"{', '.join(unknown)}."
        )
    out = []
    for number, cells in enumerate(rows, start=2):
        if number > MAX_ROWS + 1:
            raise RosterProblem(
                f"{name}.csv has more than {MAX_ROWS:,} rows, far more than a school's "
                "OneRoster bundle. Export the bundle again, with only this school's roster in it."
            )
        row = {h: c.strip() for h, c in zip(header, cells, strict=False) if h}
        row["_line"] = number
        out.append(row)
    return out


def _read_orgs(roster: RosterData, orgs: list[dict] | None) -> None:
    for org in orgs or []:
        if org.get("type", "").lower() == "school" and org.get("status", "") not in GONE_STATUSES:
            roster.schools[org["sourcedId"]] = org.get("name", "")


def _read_users(roster, users, roles, demographics, today) -> None:
    roles_by_user: dict[str, list[tuple[str, str]]] = {}
    for row in roles or []:
        if row.get("status", "").lower() in GONE_STATUSES:
            continue
        where = f"roles.csv line {row['_line']}"
        ends = parse_day(row.get("endDate", ""), where)
        starts = parse_day(row.get("beginDate", ""), where)
        if (ends and ends < today) or (starts and starts > today):
            continue
        roles_by_user.setdefault(row["userSourcedId"], []).append(
            (row["role"], row.get("orgSourcedId", ""))
        )
    births = {}
    for row in demographics or []:
        births[row["sourcedId"]] = row.get("birthDate", "")
    if roster.version != "1.2" and users and "role" not in users[0]:
        raise RosterProblem(
            "users.csv has no role column. A OneRoster 1.1 bundle gives each person's role "
            "there (1.2 bundles give it in roles.csv and say version 1.2 in manifest.csv)."
        )
    if roster.version == "1.2" and roles is None and users and "role" not in users[0]:
        raise RosterProblem(
            "This OneRoster 1.2 bundle has no roles.csv, so no one's role (pupil, staff or "
            "parent) is known. Export the bundle again with roles included."
        )
    for row in users:
        user = RosterUser(
            sourced_id=row["sourcedId"],
            line=row["_line"],
            given_name=row.get("givenName", ""),
            family_name=row.get("familyName", ""),
            email=row.get("email", ""),
            identifier=row.get("identifier", ""),
            status=row.get("status", "").lower() or "active",
            grades=split_list(row.get("grades", "")),
            agents=split_list(row.get("agentSourcedIds", "")),
            birth_date=births.get(row["sourcedId"], ""),
            destination=next((row[c] for c in DESTINATION_COLUMNS if row.get(c)), ""),
        )
        if user.sourced_id in roles_by_user:
            user.roles = roles_by_user[user.sourced_id]
        elif row.get("role"):
            orgs = split_list(row.get("orgSourcedIds", "")) or [row.get("primaryOrgSourcedId", "")]
            user.roles = [(row["role"], org) for org in orgs]
        roster.users.append(user)


def _read_classes(roster, classes, enrollments, today, where="enrollments.csv line") -> None:
    homerooms = {
        c["sourcedId"]: c.get("title", "")
        for c in classes or []
        if c.get("classType", "").lower() == "homeroom"
        and c.get("status", "").lower() not in GONE_STATUSES
    }
    roster.has_homerooms = bool(homerooms)
    for row in enrollments or []:
        at = f"{where} {row['_line']}"
        ends = parse_day(row.get("endDate", ""), at)
        starts = parse_day(row.get("beginDate", ""), at)
        if row.get("status", "").lower() in GONE_STATUSES:
            continue
        if (ends and ends < today) or (starts and starts > today):
            continue
        title = homerooms.get(row["classSourcedId"])
        if title is not None and row.get("role", "") in ("student", "teacher"):
            roster.homerooms.setdefault(row["userSourcedId"], title)


# --- REST JSON ----------------------------------------------------------------------------


def user_from_json(item: dict, position: int) -> RosterUser:
    """A OneRoster 1.1 or 1.2 user object (1.2's `roles` list, or 1.1's `role` and `orgs`)."""
    metadata = item.get("metadata") if isinstance(item.get("metadata"), dict) else {}
    user = RosterUser(
        sourced_id=str(item.get("sourcedId", "")).strip(),
        line=position,
        given_name=str(item.get("givenName") or "").strip(),
        family_name=str(item.get("familyName") or "").strip(),
        email=str(item.get("email") or "").strip(),
        identifier=str(item.get("identifier") or "").strip(),
        status=str(item.get("status") or "active").lower(),
        grades=split_list(item.get("grades") or []),
        agents=split_list(item.get("agents") or []),
        destination=str(
            metadata.get("destinationSchool") or metadata.get("destination") or ""
        ).strip(),
    )
    roles = item.get("roles")
    if isinstance(roles, list):
        for entry in roles:
            if isinstance(entry, dict) and entry.get("role"):
                org = entry.get("org") if isinstance(entry.get("org"), dict) else {}
                user.roles.append((str(entry["role"]), str(org.get("sourcedId", ""))))
    elif item.get("role"):
        orgs = split_list(item.get("orgs") or []) or [""]
        user.roles = [(str(item["role"]), org) for org in orgs]
    return user


def add_classes_from_json(roster: RosterData, classes: list, enrollments: list, today) -> None:
    def ref(value):
        return value.get("sourcedId", "") if isinstance(value, dict) else ""

    rows = [
        {
            "sourcedId": c.get("sourcedId", ""),
            "title": str(c.get("title") or ""),
            "classType": str(c.get("classType") or ""),
            "status": str(c.get("status") or ""),
        }
        for c in classes
        if isinstance(c, dict)
    ]
    enrols = [
        {
            "_line": n,
            "classSourcedId": ref(e.get("class")),
            "userSourcedId": ref(e.get("user")),
            "role": str(e.get("role") or ""),
            "status": str(e.get("status") or ""),
            "beginDate": str(e.get("beginDate") or ""),
            "endDate": str(e.get("endDate") or ""),
        }
        for n, e in enumerate(enrollments, start=1)
        if isinstance(e, dict)
    ]
    _read_classes(roster, rows, enrols, today, where="The MIS's enrolment number")
