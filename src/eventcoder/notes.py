"""ACLED-style ``notes``: a short summary sentence written from the coded fields.

ACLED's notes read like "On 21 March 2020, 12 Taliban militants were killed when Afghan forces
repulsed their attack in Dawlat Abad district, Balkh." A machine cannot paraphrase the source
safely, so the note is built from the coded fields only (nothing the fields do not say), with
the attribution when the event is claimed rather than asserted, and ACLED's fatality sentence.
"""

from __future__ import annotations

from datetime import date

_PHRASES: dict[str, str] = {
    "Armed clash": "{a1} clashed with {a2}",
    "Government regains territory": "{a1} regained control from {a2}",
    "Non-state actor overtakes territory": "{a1} took control from {a2}",
    "Chemical weapon": "{a1} used a chemical weapon against {a2}",
    "Air/drone strike": "{a1} carried out air strikes on {a2}",
    "Suicide bomb": "{a1} carried out a suicide bombing against {a2}",
    "Shelling/artillery/missile attack": "{a1} shelled {a2}",
    "Remote explosive/landmine/IED": "an explosive device attributed to {a1} hit {a2}",
    "Grenade": "{a1} threw a grenade at {a2}",
    "Sexual violence": "{a1} committed sexual violence against {a2}",
    "Attack": "{a1} attacked {a2}",
    "Abduction/forced disappearance": "{a1} abducted {a2}",
    "Peaceful protest": "{a1} demonstrated",
    "Protest with intervention": "{a1} demonstrated and {a2} intervened",
    "Excessive force against protesters": "{a2} used force against {a1}",
    "Violent demonstration": "{a1} held a violent demonstration",
    "Mob violence": "{a1} attacked {a2}",
    "Agreement": "{a1} and {a2} reached an agreement",
    "Arrests": "{a1} arrested {a2}",
    "Change to group/activity": "{a1} changed its activity",
    "Disrupted weapons use": "{a1} disrupted a weapons use by {a2}",
    "Headquarters or base established": "{a1} established a base",
    "Looting/property destruction": "{a1} looted or destroyed property of {a2}",
    "Non-violent transfer of territory": "{a1} handed over territory to {a2}",
    "Other": "{a1} and {a2}: other development",
}


def write_note(
    *,
    event_date: date | None,
    time_precision: int,
    sub_event_type: str,
    actor1: str,
    actor2: str,
    location: str,
    admin1: str,
    geo_precision: int,
    fatalities: int,
    modality: str,
    attribution: str,
) -> str:
    """One or two sentences in ACLED's style, from the coded fields only."""
    when = _when(event_date, time_precision)
    phrase = _PHRASES.get(sub_event_type, "{a1} and {a2}: " + sub_event_type.lower())
    body = phrase.format(a1=actor1 or "an unidentified actor", a2=actor2 or "unidentified targets")
    body = body.replace(" on unidentified targets", "").replace(" against unidentified targets", "")
    where = location or "an unknown location"
    if admin1 and admin1 != location:
        where += f" ({admin1})"
    preposition = "in" if geo_precision == 1 else "near" if geo_precision == 2 else "in the region of"
    sentence = f"{when}, {body} {preposition} {where}."
    if modality == "claimed" and attribution:
        sentence += f" According to {attribution}."
    sentence += f" {_fatality_sentence(fatalities)}"
    return sentence[0].upper() + sentence[1:]


def _when(event_date: date | None, precision: int) -> str:
    if event_date is None:
        return "On an unknown date"
    day = f"{event_date.day} {event_date:%B %Y}"
    if precision == 2:
        return f"Around {day}"
    if precision == 3:
        return f"In {event_date:%B %Y}"
    return f"On {day}"


def _fatality_sentence(fatalities: int) -> str:
    if fatalities <= 0:
        return "No fatalities were reported."
    return f"{fatalities} {'fatality' if fatalities == 1 else 'fatalities'}."
