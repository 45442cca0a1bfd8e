"""ACLED's event taxonomy as data: 6 event types, 25 sub-event types, and their disorder types.

Why a module of plain data: the classifier, the extraction stage, the evaluator and the exports
all need the same names spelled exactly as ACLED spells them, and the same parent event type
and ``disorder_type`` for each sub-event type. The disorder types follow ACLED's own data (the
2023 column set in the dev files and acledR's ``acled_event_categories``): Mob violence is
"Political violence" although it is a Riot, and Excessive force against protesters carries both
flags, written "Political violence; Demonstrations" as ACLED writes it.
"""

from __future__ import annotations

from dataclasses import dataclass

POLITICAL_VIOLENCE = "Political violence"
DEMONSTRATIONS = "Demonstrations"
STRATEGIC_DEVELOPMENTS = "Strategic developments"


@dataclass(frozen=True, slots=True)
class SubEventType:
    """One ACLED sub-event type with its parent event type, disorder type and definition."""

    name: str
    event_type: str
    disorder_type: str
    definition: str


_PV = POLITICAL_VIOLENCE
_DEM = DEMONSTRATIONS
_SD = STRATEGIC_DEVELOPMENTS

# fmt: off
SUB_EVENT_TYPES: tuple[SubEventType, ...] = (
    SubEventType("Armed clash", "Battles", _PV,
                 "Organised armed groups fight; no change of territorial control is reported."),
    SubEventType("Government regains territory", "Battles", _PV,
                 "State forces or their affiliates regain control of a location from non-state actors."),
    SubEventType("Non-state actor overtakes territory", "Battles", _PV,
                 "A non-state actor wins control of a location (from the state or another group)."),
    SubEventType("Chemical weapon", "Explosions/Remote violence", _PV,
                 "Use of CWC Schedule 1 substances (sarin, mustard, chlorine); not napalm or tear gas."),
    SubEventType("Air/drone strike", "Explosions/Remote violence", _PV,
                 "Air-to-ground attack by planes, helicopters or drones with no exchange of fire."),
    SubEventType("Suicide bomb", "Explosions/Remote violence", _PV,
                 "An attacker detonates explosives on their body or vehicle (includes SVBIEDs)."),
    SubEventType("Shelling/artillery/missile attack", "Explosions/Remote violence", _PV,
                 "Artillery, mortars, rockets, guided missiles, RPGs fired at a target."),
    SubEventType("Remote explosive/landmine/IED", "Explosions/Remote violence", _PV,
                 "Remotely or victim-activated devices: IEDs, roadside and car bombs, landmines, UXO."),
    SubEventType("Grenade", "Explosions/Remote violence", _PV,
                 "A thrown grenade; crude bombs and stun grenades are Riots or Strategic developments."),
    SubEventType("Sexual violence", "Violence against civilians", _PV,
                 "Harm of a sexual nature against civilians by an organised armed actor."),
    SubEventType("Attack", "Violence against civilians", _PV,
                 "An organised armed actor deliberately harms unarmed civilians."),
    SubEventType("Abduction/forced disappearance", "Violence against civilians", _PV,
                 "Kidnapping or extra-judicial detention with no further violence reported."),
    SubEventType("Peaceful protest", "Protests", _DEM,
                 "A public demonstration with no violence and no intervention."),
    SubEventType("Protest with intervention", "Protests", _DEM,
                 "Authorities try to disperse or suppress a protest, without serious injuries."),
    SubEventType("Excessive force against protesters", "Protests", f"{_PV}; {_DEM}",
                 "Violence against protesters that leads or could lead to serious or lethal injury."),
    SubEventType("Violent demonstration", "Riots", _DEM,
                 "Demonstrators vandalise, barricade, burn tyres, throw stones, clash."),
    SubEventType("Mob violence", "Riots", _PV,
                 "A mob attacks others outside a demonstration, without sophisticated weapons."),
    SubEventType("Agreement", "Strategic developments", _SD,
                 "A peace agreement, ceasefire, prisoner exchange or other accord is reached."),
    SubEventType("Arrests", "Strategic developments", _SD,
                 "Politically significant arrests by state forces."),
    SubEventType("Change to group/activity", "Strategic developments", _SD,
                 "Mergers, splits, troop movements, recruitment, new security measures."),
    SubEventType("Disrupted weapons use", "Strategic developments", _SD,
                 "Defused or failed explosives, intercepted missiles, seized weapons caches."),
    SubEventType("Headquarters or base established", "Strategic developments", _SD,
                 "A group establishes a headquarters or base."),
    SubEventType("Looting/property destruction", "Strategic developments", _SD,
                 "Looting, land seizure or destruction of property without harm to people."),
    SubEventType("Non-violent transfer of territory", "Strategic developments", _SD,
                 "Territory changes hands without fighting (withdrawal, handover)."),
    SubEventType("Other", "Strategic developments", _SD,
                 "Other significant developments: mass graves, displacement, coups, elections."),
)
# fmt: on

#: ACLED's six event types, in ACLED's order.
EVENT_TYPES: tuple[str, ...] = (
    "Battles",
    "Explosions/Remote violence",
    "Violence against civilians",
    "Protests",
    "Riots",
    "Strategic developments",
)

#: Sub-event type name -> its record, for lookups.
BY_NAME: dict[str, SubEventType] = {s.name: s for s in SUB_EVENT_TYPES}

#: Sub-event type names, in ACLED's order.
SUB_EVENT_NAMES: tuple[str, ...] = tuple(s.name for s in SUB_EVENT_TYPES)


def event_type_of(sub_event_type: str) -> str:
    """The ACLED event type a sub-event type belongs to ("Air/drone strike" -> "Explosions/...").

    Raises:
        KeyError: the name is not one of ACLED's 25 sub-event types.
    """
    return BY_NAME[sub_event_type].event_type


def disorder_type_of(sub_event_type: str) -> str:
    """ACLED's ``disorder_type`` for a sub-event type (Mob violence -> "Political violence").

    Raises:
        KeyError: the name is not one of ACLED's 25 sub-event types.
    """
    return BY_NAME[sub_event_type].disorder_type
