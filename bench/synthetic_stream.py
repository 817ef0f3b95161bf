"""A deterministic synthetic news stream with planted copies, rewrites and stories.

    .venv/bin/python bench/synthetic_stream.py N OUT.jsonl [--seed S]

writes N articles as JSONL (``id, outlet, published, title, text``) and the gold
answers next to it as OUT.gold.json::

    {"copies": [[src_id, dst_id], ...], "rewrites": [[src_id, dst_id], ...],
     "stories": {story_key: [ids]}, "meta": {...}}

Everything is invented here: about 40 outlets (six of them wire services),
people, places and organisations built from syllable lists, and a dozen event
types (a council vote, a ferry strike, a factory fire, a court ruling, a
football transfer, a storm, an election count, a hospital inspection, a bridge
closure, a takeover, a derailment, a museum theft, a boil-water notice, a
moorland fire). Each story is one event developing over 1-5 days and covered
by 2-8 different outlets; its figures move from day to day (a strike's
cancelled crossings, a count's declared wards, homes still without power).
Every article has 8-25 sentences, built from the event's facts (names,
figures, dates, places), quotes and background, each picked from several
phrasings, so independent reports of one event share facts but not wording.

Planted, each about 5% of the stream, always by another outlet and published
1 hour to 2 days after the source:

* copies: a wire story run by a second outlet, word for word with a credit
  line added (the store ingests identical text once, so a copy always differs
  by at least that line), or a near copy with a new headline, a dropped or
  replaced last paragraph, or a word changed here and there;
* rewrites: the source reworded sentence by sentence (synonym swaps, clauses
  and attributions turned round, 10-25% of the sentences dropped, now and then
  a figure changed, a line of the outlet's own added).

About 300 articles a simulated day, so the time span grows with N. Ids
(``syn<seed>-NNNNNN`` in publication order) and texts depend only on (N, seed).
Pure standard library and one random.Random(seed); 100k articles take about 20 seconds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import sys
from collections.abc import Callable
from pathlib import Path

VERSION = 2
PER_DAY = 300  # articles a simulated day
COPY_RATE = 0.05
REWRITE_RATE = 0.05
BASE = dt.datetime(2023, 1, 2, tzinfo=dt.timezone.utc)  # a Monday
DAY = dt.timedelta(days=1)
HOUR = dt.timedelta(hours=1)
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
ORDINALS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh"]

# ---------------------------------------------------------------- invented names

SYL = ["al", "bar", "bel", "cor", "dal", "den", "dor", "el", "fen", "gar", "hal", "har", "is", "jor", "kel",
       "kin", "lam", "lin", "mar", "mor", "nar", "nor", "os", "pel", "pen", "quel", "ras", "ren", "sal",
       "sel",
       "tam", "tor", "ul", "val", "ven", "wen", "yar", "zel", "mir", "bri", "cal", "dun", "ev", "gil", "hol",
       "lor", "mel", "nev", "or", "rav", "sor", "tev", "var", "wil", "ash", "bro", "cas", "dre", "fal", "gor"]
FIRST_END = ["a", "o", "an", "en", "ia", "is", "us", "et", "in", "y", "", "e", "ar"]
LAST_END = ["son", "ley", "ford", "wick", "ton", "ard", "ell", "ow", "by", "er", "ik", "mont", "ridge",
            "well",
            "ings", "hart"]
PLACE_END = ["bridge", "ham", "ford", "mouth", "by", "stead", "wick", "port", "field", "holm", "vale",
             "minster", "thorpe", "haven", "cross", "ley", "bury", "combe"]
REGION_HEAD = ["North", "South", "East", "West", "Upper", "Lower", "Greater", "Inner"]
FEATURES = ["its old harbour", "a Victorian market hall", "its annual cheese fair", "a ruined priory",
            "the longest pier in the region", "a disused tin mine", "its rugby club", "a clifftop lighthouse",
            "a medieval stone bridge", "its glassworks", "a large Sunday market", "a narrow-gauge railway",
            "its botanical gardens", "a once-famous pottery", "a cathedral with twin spires",
            "its salt marshes"]


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


class World:
    """Outlets, places and a name generator, all drawn from one seeded Random."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        seen: set[str] = set()
        regions = []
        while len(regions) < 12:
            r = f"{rng.choice(REGION_HEAD)} {self.word(2)}"
            if r not in seen:
                seen.add(r)
                regions.append(r)
        self.rivers = [f"River {self.word(rng.choice((1, 2)))}" for _ in range(40)]
        self.places: list[dict] = []
        while len(self.places) < 260:
            name = self.word(rng.choice((1, 1, 2))) + rng.choice(PLACE_END)
            name = _cap(name)
            if name in seen:
                continue
            seen.add(name)
            self.places.append({"place": name, "region": rng.choice(regions),
                                "river": rng.choice(self.rivers),
                                "pop": rng.randrange(4, 400) * 1000 + rng.randrange(0, 1000, 50),
                                "feature": rng.choice(FEATURES), "founded": rng.randint(1150, 1890)})
        self.wires: list[str] = []
        self.outlets: list[str] = []
        wire_forms = ["{W} Press Agency", "{W} News Service", "{W} Wire", "Associated {W} Press",
                      "{W} Newswire", "{W} Agency"]
        for form in wire_forms:
            self.wires.append(form.format(W=_cap(self.word(2))))
        local_forms = ["The {P} Courier", "The {P} Gazette", "{P} Herald", "The {P} Post", "{P} Daily",
                       "The {P} Chronicle", "{P} Observer", "The {P} Ledger", "{P} Evening Times",
                       "The {P} Mercury",
                       "{P} Sentinel", "{P} Dispatch", "{R} Today", "{R} Bulletin", "Radio {P}", "{P} Record",
                       "{P} Advertiser", "The {P} Star", "{P} Echo", "{R} Live", "{P} Argus",
                       "The {P} Clarion",
                       "{P} Express", "{P} Journal", "The {P} Tribune", "{R} News", "{P} Examiner",
                       "{P} Weekly",
                       "The {P} Standard", "{P} Messenger", "{P} Voice", "The {P} Beacon", "{R} Post",
                       "{P} Leader"]
        for form in local_forms:
            self.outlets.append(form.format(P=rng.choice(self.places)["place"], R=rng.choice(regions)))
        self.all_outlets = self.wires + self.outlets
        # some outlets write "12 per cent", "£4m", "70 miles per hour", in their articles and their rewrites
        self.house = {o: rng.random() < 0.35 for o in self.all_outlets}

    def word(self, k: int) -> str:
        return _cap("".join(self.rng.choice(SYL) for _ in range(k)))

    def person(self) -> str:
        rng = self.rng
        first = self.word(rng.choice((1, 2))) + rng.choice(FIRST_END)
        last = self.word(rng.choice((1, 2))) + rng.choice(LAST_END)
        return f"{first} {last}"

    def place(self) -> dict:
        return self.rng.choice(self.places)


# ---------------------------------------------------------------- event types
# Each event type: facts(rng, world, ctx) fills ctx with the story's facts; evolve(ctx, day, rng) returns the
# figures as they stand ``day`` days later. Templates are str.format templates over that context. Groups are
# lists of alternative phrasings of one fact; an article uses each group at most once.


class Event:
    def __init__(self, key: str, facts: Callable, evolve: Callable, head0: list[str], head1: list[str],
                 lead0: list[str], lead1: list[str], groups: list[list[str]], later: list[list[str]],
                 quotes: list[tuple[str, str, list[str]]]) -> None:
        self.key, self.facts, self.evolve = key, facts, evolve
        self.head0, self.head1, self.lead0, self.lead1 = head0, head1, lead0, lead1
        self.groups, self.later, self.quotes = groups, later, quotes


def _month_after(ctx: dict, k: int) -> str:
    return MONTHS[(ctx["_month"] + k) % 12]


def _council_facts(rng: random.Random, w: World, c: dict) -> None:
    c.update(org=f"{c['place']} Council", leader=w.person(), opp=w.person(), cost=rng.randint(2, 60),
             units=rng.randint(12, 90) * 10,
             site=f"{w.word(2)} {rng.choice(['Mill', 'Brickworks', 'Gasworks', 'Depot'])}",
             street=f"{w.word(2)} {rng.choice(['Road', 'Street', 'Avenue', 'Lane'])}",
             years=rng.randint(2, 6),
             objections=rng.randint(3, 40) * 50, public=rng.randint(4, 30) * 10,
             meeting_hours=rng.randint(3, 7),
             start_month=_month_after(c, rng.randint(2, 8)), petition0=rng.randint(8, 40) * 100)
    seats = rng.randint(35, 70)
    c["abstain"] = rng.randint(2, 4)
    c["for_"] = rng.randint(seats // 2 + 1, seats - c["abstain"] - 3)
    c["against"] = seats - c["for_"] - c["abstain"]
    plan, short = rng.choice([("a plan to build {units} homes on the former {site} site", "housing plan"),
                              ("a new cycle lane along {street}", "cycle lane"),
                              ("the closure of two branch libraries", "library closures"),
                              ("a rise in parking charges in the town centre", "parking charge rise"),
                              ("a new bus depot at the {site} site", "bus depot plan"),
                              ("the sale of the old swimming baths on {street}", "baths sale")])
    c["plan"], c["plan_short"] = plan.format(**c), short


COUNCIL = Event(
    "council_vote", _council_facts,
    lambda c, d, rng: {"petition": int(c["petition0"] * (1 + 0.8 * d))},
    ["{org} approves {plan_short}", "Councillors vote {for_} to {against} for {plan_short} in {place}",
     "{place} {plan_short} wins council backing after {meeting_hours}-hour meeting",
     "Divided council backs {place} {plan_short}"],
    ["Petition against {place} {plan_short} tops {petition:,} names",
     "Opposition grows to {place} {plan_short}",
     "{opp} vows to fight {place} {plan_short}", "Campaigners weigh legal action over {place} {plan_short}"],
    ["Councillors in {place} voted {for_} to {against} on {weekday} night to approve {plan}, ending months "
     "of debate.",
     "{org} has approved {plan} after a meeting that lasted {meeting_hours} hours.",
     "A divided {org} backed {plan} on {weekday}, with {for_} members voting in favour and {against} "
     "against."],
    ["Opponents of {plan} in {place} say they have collected {petition:,} signatures since the council vote "
     "on {weekday}.",
     "The row over the decision by {org} to approve {plan} has deepened, with campaigners gathering "
     "{petition:,} signatures.",
     "Campaigners in {place} are stepping up their fight against {plan}, approved by councillors on "
     "{weekday}."],
    [["The plan is expected to cost £{cost} million, according to council papers.",
      "Council documents put the cost of the scheme at £{cost} million.",
      "The scheme will cost an estimated £{cost} million over the next {years} years."],
     ["{abstain} councillors abstained in the vote.", "A further {abstain} members abstained.",
      "{abstain} members of the chamber did not vote either way."],
     ["Council leader {leader} said the decision would bring long-term benefits to {place}.",
      "{leader}, who leads the council, argued that the town could not afford to wait any longer.",
      "The council leader, {leader}, told the meeting the proposal had been revised several times after "
      "consultation."],
     ["Opposition councillor {opp} called the vote a mistake and said residents had not been listened to.",
      "{opp}, who led the opposition to the plan, said the council had ignored {objections:,} objections.",
      "Speaking against the plan, {opp} warned that costs could rise well beyond the current estimate."],
     ["A public consultation last year received {objections:,} responses.",
      "More than {objections:,} people responded to the consultation held last autumn.",
      "The consultation on the scheme drew {objections:,} written responses, most of them critical."],
     ["Work is due to begin in {start_month} and should take about {years} years.",
      "If no legal challenge is lodged, work could start in {start_month}.",
      "The council hopes to begin the first phase in {start_month}."],
     ["Around {public} members of the public attended the meeting at {place} town hall.",
      "The public gallery was full, with about {public} residents watching the debate.",
      "Some {public} people gathered outside the town hall before the vote."]],
    [["Campaigners said they were considering a legal challenge.",
      "The campaign group has asked lawyers to examine whether the council followed the correct procedure.",
      "Opponents are understood to be seeking legal advice on the vote."],
     ["By {today}, {petition:,} people had signed the online petition.",
      "The petition against the decision had passed {petition:,} signatures by {today}.",
      "An online petition launched after the vote had drawn {petition:,} signatures by {today}."],
     ["{leader} said on {today} that the council stood by its decision.",
      "The council said on {today} that it had no plans to revisit the vote.",
      "A council spokesperson said on {today} that the vote had been carried out properly."]],
    [("leader", "the council leader", ["This is the right decision for {place} and for the next generation",
                                       "We have listened carefully and changed the plan where we could",
                                       "Doing nothing was never an option for this town"]),
     ("opp", "an opposition councillor", ["The council has simply ignored the people it is meant to serve",
                                          "This vote will be remembered for a long time in {place}",
                                          "We will keep fighting this at every step"]),
     ("witness", "a resident of {place}", ["Nobody I know wanted this",
      "I think it will be good for the town in the end",
                                           "We were never told what it would really cost"])])


def _ferry_facts(rng: random.Random, w: World, c: dict) -> None:
    island = w.word(2) + rng.choice(["ay", " Isle", "sey", "holm"])
    c.update(org=f"{w.word(2)} {rng.choice(['Ferries', 'Sea Link', 'Shipping', 'Island Lines'])}",
             union=f"the {w.word(2)} Seafarers' Union", rep=w.person(), spokes=w.person(), island=island,
             workers=rng.randint(12, 140) * 10, offer=rng.randint(2, 5), demand=rng.randint(6, 11),
             daily=rng.randint(8, 40), passengers=rng.randint(2, 30) * 500,
             last_strike=rng.randint(1996, 2019),
             strike_days=rng.randint(2, 6), ballot=rng.randint(62, 96))


FERRY = Event(
    "ferry_strike", _ferry_facts,
    lambda c, d, rng: {"cancelled": c["daily"] * (d + 1), "affected": c["passengers"] * (d + 1),
                       "day_n": ORDINALS[d], "talks": rng.choice(["resume", "break up without agreement",
                                                                   "continue late into the evening"])},
    ["Ferry strike halts crossings between {place} and {island}", "{org} workers walk out over pay",
     "Crossings cancelled as {org} staff strike", "Ferry services to {island} hit by strike"],
    ["Ferry strike enters {day_n} day with {cancelled} crossings lost", "No end in sight to {org} strike",
     "{island} cut off as ferry strike goes on", "Talks fail to end {org} strike"],
    ["Ferry crossings between {place} and {island} were cancelled on {weekday} as {workers} workers at "
     "{org} began a strike over pay.",
     "Around {workers} staff at {org} walked out on {weekday}, halting services between {place} and "
     "{island}.",
     "Services run by {org} came to a halt on {weekday} when members of {union} began a {strike_days}-day "
     "strike."],
    ["The strike at {org} entered its {day_n} day on {today}, with {cancelled} crossings cancelled so far.",
     "Travellers to {island} faced a {day_n} day of disruption on {today} as the ferry strike continued.",
     "No ferries sailed between {place} and {island} on {today}, the {day_n} day of the strike by {union}."],
    [["The union says its members have been offered a pay rise of {offer}%, well below the {demand}% they "
      "are seeking.",
      "{org} has offered a {offer}% rise, while the union is holding out for {demand}%.",
      "At the heart of the dispute is pay: the company is offering {offer}% and staff want {demand}%."],
     ["About {daily} crossings a day are affected.", "The walkout cancels some {daily} sailings every day.",
      "{org} normally runs {daily} crossings a day on the route."],
     ["Roughly {passengers:,} passengers use the route each day.",
      "The company says about {passengers:,} people travel on its ferries on a typical day.",
      "An estimated {passengers:,} passengers a day are affected."],
     ["In a ballot last month, {ballot}% of members voted for action.",
      "Union members backed the strike by {ballot}% in a ballot.",
      "The walkout follows a ballot in which {ballot}% of union members voted to strike."],
     ["The last ferry strike on the route was in {last_strike}.",
      "Staff at the company last took industrial action in {last_strike}.",
      "It is the first walkout on the crossing since {last_strike}."],
     ["Businesses on {island} say deliveries of fresh food have already been hit.",
      "Shops on {island} warned that shelves could soon be empty.",
      "Island hauliers say lorries are queuing at the {place} terminal."],
     ["{spokes}, a spokesperson for {org}, said the offer was fair and affordable.",
      "{org} said in a statement that its offer was the best it could make.",
      "The company, through its spokesperson {spokes}, urged the union to put the offer to members."]],
    [["Talks between the two sides were due to {talks} on {today}.",
      "Negotiators from {org} and the union met again on {today}, and talks were expected to {talks}.",
      "On {today} the two sides were reported to {talks}."],
     ["So far {cancelled} crossings have been cancelled and about {affected:,} journeys disrupted.",
      "The strike has now cost {cancelled} sailings and affected around {affected:,} passengers.",
      "A total of {cancelled} crossings had been lost by {today}."],
     ["Emergency supplies were being flown to {island}, local officials said.",
      "A small charter boat has been carrying medical supplies to {island}.",
      "Officials on {island} said they had arranged an emergency supply run."]],
    [("rep", "regional organiser for {union}", ["Our members have not taken this step lightly",
                                                "Staff have had years of real-terms pay cuts",
                                                "The company knows what it has to do to end this"]),
     ("spokes", "a spokesperson for {org}", ["We are sorry for the disruption to our passengers",
                                             "Our offer remains on the table",
                                             "We want to get services running again as soon as possible"]),
     ("witness", "who lives on {island}", ["We feel completely cut off",
      "My mother has a hospital appointment on the mainland",
                                           "Everybody here depends on that ferry"])])


def _fire_facts(rng: random.Random, w: World, c: dict) -> None:
    kinds = ["Plastics", "Textiles", "Components", "Packaging", "Paints", "Timber"]
    c.update(org=f"{w.word(2)} {rng.choice(kinds)}",
             estate=f"the {w.word(2)} industrial estate", officer=w.person(), owner=w.person(),
             engines=rng.randint(6, 25), crews=rng.randint(40, 150), hour=rng.randint(1, 11),
             injured=rng.randint(2, 7), homes=rng.randint(20, 300), jobs=rng.randint(5, 60) * 10,
             founded=rng.randint(1948, 2005), radius=rng.choice([200, 300, 500, 800, 1000]))


FIRE = Event(
    "factory_fire", _fire_facts,
    lambda c, d, rng: {"still": max(0, c["crews"] // (2 ** (d + 1))), "day_n": ORDINALS[d]},
    ["Huge fire destroys {org} factory in {place}", "{engines} fire engines tackle blaze at {place} factory",
     "Residents evacuated as fire rips through {org} site", "Factory fire sends smoke over {place}"],
    ["Cause of {place} factory fire under investigation", "{jobs} jobs at risk after {org} fire",
     "Investigators begin work at burnt-out {org} factory", "{org} owner vows to rebuild after fire"],
    ["A large fire broke out at the {org} factory on {estate} in {place} shortly after {hour} o'clock on "
     "{weekday}.",
     "Firefighters spent hours on {weekday} tackling a fire that tore through the {org} factory in {place}.",
     "About {crews} firefighters were called to {estate} in {place} on {weekday} after fire engulfed the "
     "{org} plant."],
    ["Investigators were at the site of the {org} factory in {place} on {today}, {days_txt} after the fire.",
     "Questions are being asked about the fire that destroyed the {org} factory in {place} on {weekday}.",
     "The {org} factory in {place} lay in ruins on {today} after the blaze on {weekday}."],
    [["At the height of the fire, {engines} engines and {crews} firefighters were at the scene.",
      "The fire service sent {engines} fire engines and about {crews} crew members.",
      "Some {crews} firefighters and {engines} engines were needed to bring the blaze under control."],
     ["{injured} people were treated for smoke inhalation.",
      "Paramedics treated {injured} workers for the effects of smoke.",
      "The ambulance service said {injured} people needed treatment at the scene."],
     ["Residents of about {homes} homes within {radius} metres were told to keep windows and doors shut.",
      "People living within {radius} metres of the site, around {homes} households, were asked to stay "
      "indoors.",
      "Around {homes} homes near the factory were affected by the smoke."],
     ["Group manager {officer} said crews had worked through the night.",
      "{officer}, who led the fire service response, said the building had been well alight when crews "
      "arrived.",
      "The incident commander, {officer}, said the roof had collapsed within an hour."],
     ["{org} employs about {jobs} people at the site.",
      "The factory is one of the largest employers in {place}, with {jobs} staff.",
      "Some {jobs} people work at the plant."],
     ["The company was founded in {founded} and has been on the estate for decades.",
      "{org} has made its products in {place} since {founded}.",
      "Founded in {founded}, the firm moved to {estate} in the 1980s."],
     ["Plumes of black smoke could be seen from {place2}.",
      "Smoke from the fire was visible for miles, as far away as {place2}.",
      "Drivers on the road to {place2} reported seeing a thick column of smoke."]],
    [["Fire investigators said it was too early to say what had caused the fire.",
      "The cause of the fire has not yet been established, the fire service said.",
      "An electrical fault is one of several possible causes being examined, the fire service said."],
     ["About {still} firefighters remained at the site on {today} to damp down hot spots.",
      "Crews were still damping down on {today}, with around {still} firefighters on site.",
      "A smaller team of about {still} firefighters stayed at the factory on {today}."],
     ["Owner {owner} said the company would do all it could to keep its {jobs} staff in work.",
      "{owner}, who owns {org}, said staff would continue to be paid while the firm assessed the damage.",
      "The firm's owner, {owner}, said he hoped production could move temporarily to another site."]],
    [("officer", "of the fire service", ["This was a very fast-moving and dangerous fire",
                                         "Our crews did an outstanding job in very difficult conditions",
                                         "We would ask people to stay away from the area"]),
     ("owner", "the owner of {org}", ["Our first thought is for our staff and their families",
                                      "We are devastated by what has happened", "We will rebuild"]),
     ("witness", "who lives near the estate", ["There was a huge bang and then the sky went black",
                                               "I have never seen anything like it",
                                               "We could feel the heat from our garden"])])


def _court_facts(rng: random.Random, w: World, c: dict) -> None:
    kinds = ["Holdings", "Capital", "Investments", "Trading", "Developments"]
    c.update(org=f"{w.word(2)} {rng.choice(kinds)}",
             defendant=w.person(), judge=w.person(), prosecutor=w.person(), lawyer=w.person(),
             court=f"{c['place']} Crown Court", sum_=rng.randint(2, 90) * 100000,
             victims=rng.randint(12, 400),
             trial_weeks=rng.randint(3, 14), years=rng.randint(2, 11), age=rng.randint(34, 71),
             jury_hours=rng.randint(5, 30), start_year=rng.randint(2012, 2019),
             end_year=rng.randint(2020, 2022))


COURT = Event(
    "court_ruling", _court_facts,
    lambda c, d, rng: {"day_n": ORDINALS[d]},
    ["{defendant} found guilty of £{sum_:,} investment fraud", "Former {org} director convicted of fraud",
     "Jury convicts {place} businessman over £{sum_:,} scheme",
     "{defendant} guilty of defrauding {victims} investors"],
    ["{defendant} jailed for {years} years over {org} fraud", "{org} fraudster to appeal against conviction",
     "Victims of {org} fraud speak of relief after sentencing", "{years}-year sentence for {defendant}"],
    ["A former director of {org}, {defendant}, was found guilty on {weekday} of defrauding {victims} "
     "investors of £{sum_:,}.",
     "A jury at {court} on {weekday} convicted {defendant}, {age}, of running a fraud worth £{sum_:,}.",
     "{defendant}, who ran {org}, was convicted of fraud at {court} on {weekday} after a {trial_weeks}-week "
     "trial."],
    ["{defendant}, convicted on {weekday} of defrauding {victims} investors, was jailed for {years} years "
     "at {court} on {today}.",
     "Judge {judge} sentenced {defendant} to {years} years in prison on {today} for the fraud at {org}.",
     "The former director of {org}, {defendant}, was jailed for {years} years on {today}."],
    [["The jury deliberated for {jury_hours} hours before returning its verdict.",
      "Jurors took {jury_hours} hours to reach their verdict.",
      "After {jury_hours} hours of deliberation the jury found him guilty on all counts."],
     ["The court heard that the scheme ran from {start_year} to {end_year}.",
      "Prosecutors said the fraud began in {start_year} and continued until {end_year}.",
      "Between {start_year} and {end_year}, investors were promised returns that never existed, the court "
      "heard."],
     ["Prosecutor {prosecutor} told the court that {defendant} had lived a life of luxury on other people's "
      "savings.",
      "{prosecutor}, prosecuting, said the money had been spent on cars, holidays and a house in {place2}.",
      "The prosecution, led by {prosecutor}, said most of the money had never been recovered."],
     ["{lawyer}, defending, said his client had always intended to repay investors.",
      "Defence lawyer {lawyer} argued that {defendant} had been badly advised.",
      "In his defence, {lawyer} told the jury the business had simply failed."],
     ["Many of the {victims} victims were pensioners, the court was told.",
      "The {victims} investors included retired teachers and nurses.",
      "Several of the {victims} people who lost money gave evidence during the trial."],
     ["The trial lasted {trial_weeks} weeks.", "The case took {trial_weeks} weeks to hear.",
      "Evidence was heard over {trial_weeks} weeks."],
     ["Judge {judge} thanked the jury for its careful work.",
      "Judge {judge} said the case had been complex and distressing.",
      "Judge {judge} told jurors they would be excused from jury service for ten years."]],
    [["His lawyers said he intended to appeal.",
      "{lawyer} said after the hearing that an appeal would be lodged.",
      "An appeal against the conviction is expected."],
     ["Judge {judge} said {defendant} had shown no remorse.",
      "Passing sentence, Judge {judge} called the fraud cynical and sustained.",
      "The judge told {defendant} that he had betrayed people who trusted him."],
     ["A hearing to recover the money will take place later this year.",
      "Prosecutors will now seek to confiscate his assets.",
      "Investors are unlikely to see most of their money again, lawyers said."]],
    [("prosecutor", "for the prosecution", ["This was greed, pure and simple",
                                            "The victims placed their trust in him and he abused it",
                                            "The jury has seen through his excuses"]),
     ("witness", "one of the investors", ["I lost everything I had saved",
      "Today I finally feel that someone listened",
                                          "No sentence will bring back what we lost"]),
     ("lawyer", "for the defence", ["My client is disappointed with the verdict",
      "We will be studying the judgment carefully",
                                    "There are strong grounds for appeal"])])


def _transfer_facts(rng: random.Random, w: World, c: dict) -> None:
    club = rng.choice(["Rovers", "Athletic", "United", "Town", "Albion", "Wanderers", "City"])
    old = rng.choice(["Rangers", "Dynamo", "Harriers", "Rovers", "Olympic"])
    c.update(org=f"{c['place']} {club}", old=f"{rng.choice(w.places)['place']} {old}",
             player=w.person(), manager=w.person(), fee=rng.randint(2, 45), years=rng.randint(2, 5),
             age=rng.randint(19, 31), goals=rng.randint(4, 29), apps=rng.randint(22, 48),
             shirt=rng.choice([7, 9, 10, 11, 14, 17, 19, 23]), record=rng.randint(4, 19),
             ground=f"{w.word(2)} Park",
             position=rng.choice(["striker", "winger", "midfielder", "forward"]))


TRANSFER = Event(
    "football_transfer", _transfer_facts,
    lambda c, d, rng: {"day_n": ORDINALS[d]},
    ["{org} sign {position} {player} for £{fee} million", "{player} completes move to {org}",
     "{org} break bank for {old} {position} {player}", "{player} joins {org} on {years}-year deal"],
    ["{player} unveiled at {ground}", "{player}: I could not turn down {org}", "{player} set for {org} debut",
     "{old} fans react to loss of {player}"],
    ["{org} have signed {position} {player} from {old} for a fee thought to be £{fee} million.",
     "{player}, {age}, completed his move from {old} to {org} on {weekday} in a deal worth about £{fee} "
     "million.",
     "{org} confirmed on {weekday} that they had signed {old} {position} {player} on a {years}-year "
     "contract."],
    ["{player} was presented to supporters at {ground} on {today}, {days_txt} after his move from {old}.",
     "New {org} signing {player} says he is ready to make his debut.",
     "{player} spoke for the first time as a {org} player on {today}."],
    [["He scored {goals} goals in {apps} appearances for {old} last season.",
      "Last season he found the net {goals} times in {apps} games.",
      "The {position} managed {goals} goals in {apps} matches for {old} last term."],
     ["The fee is believed to be a club record for {org}.",
      "The deal is thought to break the club's transfer record.",
      "It is the biggest fee {org} have ever paid."],
     ["He has signed a {years}-year contract.", "{player} has agreed a deal that runs for {years} years.",
      "His contract runs for {years} seasons, with an option of a further year."],
     ["Manager {manager} has made no secret of his wish to strengthen his attack.",
      "{manager}, the {org} manager, had watched the player several times this season.",
      "The signing is the first of the summer for manager {manager}."],
     ["{org} currently sit {record}th in the league table.", "The club finished {record}th last season.",
      "{org} are {record}th in the table after a mixed start."],
     ["He will wear the number {shirt} shirt.", "{player} will take the number {shirt}.",
      "The club said he would wear number {shirt}."],
     ["{player} began his career in the youth team at {old}.", "{player} joined {old} as a teenager.",
      "The {age}-year-old came through the academy at {old}."]],
    [["He could make his debut at {ground} this weekend.",
      "He is expected to be in the squad for the next match.",
      "{manager} said the player would need a few days of training before he is ready."],
     ["Supporters of {old} have expressed disappointment at losing one of their best players.",
      "Fans of {old} said the club had sold its best player too cheaply.",
      "At {old}, some supporters criticised the board for letting him go."],
     ["Hundreds of fans gathered at {ground} to watch him sign autographs.",
      "Dozens of supporters waited outside {ground} to greet him.",
      "Fans queued outside the club shop to buy shirts with his name on."]],
    [("player", "the new {org} signing", ["This is a massive club and I could not say no",
                                          "I want to score goals and help the team win",
                                          "I have to thank everyone at {old} for what they did for me"]),
     ("manager", "the {org} manager", ["He is exactly the type of player we need",
                                       "We have been tracking him for a long time",
                                       "He will add pace and goals to the team"])])


def _storm_facts(rng: random.Random, w: World, c: dict) -> None:
    c.update(org=f"the {w.word(2)} Weather Office",
             storm=f"Storm {w.word(2)}{rng.choice(['a', 'o', 'in', 'y', 'is'])}",
             gust=rng.randint(60, 105), rain=rng.randint(30, 160), power0=rng.randint(5, 90) * 1000,
             trees=rng.randint(30, 400), schools=rng.randint(10, 140), forecaster=w.person(),
             grid=f"{c['region']} Power", engineer=w.person(), flights=rng.randint(10, 120),
             warning=rng.choice(["amber", "red"]))
    c["a_warning"] = "an amber" if c["warning"] == "amber" else "a red"


STORM = Event(
    "storm", _storm_facts,
    lambda c, d,
              rng: {"power": max(200, c["power0"] // (3 ** d)),
                    "restored": c["power0"] - max(200, c["power0"] // (3 ** d)),
                       "day_n": ORDINALS[d]},
    ["{storm} batters {region} with {gust}mph gusts", "{power:,} homes without power as {storm} hits",
     "{storm} brings chaos to roads and railways", "{warning} warning as {storm} sweeps in"],
    ["Clean-up begins after {storm}", "{power:,} homes still without power after {storm}",
     "Power restored to {restored:,} homes after {storm}", "{region} counts the cost of {storm}"],
    ["{storm} brought gusts of up to {gust}mph to {region} on {weekday}, leaving {power:,} homes without "
     "power.",
     "Winds of {gust}mph swept across {region} on {weekday} as {storm} arrived, cutting power to {power:,} "
     "homes.",
     "Thousands of homes in {region} lost power on {weekday} as {storm} brought winds of up to {gust}mph."],
    ["About {power:,} homes in {region} were still without power on {today}, {days_txt} after {storm}.",
     "Engineers restored power to {restored:,} homes by {today}, but {power:,} were still cut off after "
     "{storm}.",
     "The clean-up after {storm} continued on {today}, with {power:,} homes still waiting for power."],
    [["The strongest gust, {gust}mph, was recorded near {place}.",
      "A gust of {gust}mph was measured at {place}.",
      "{place} saw the highest wind speed, {gust}mph."],
     ["Up to {rain}mm of rain fell in some areas.", "Some places had {rain}mm of rain in 24 hours.",
      "Rainfall reached {rain}mm on higher ground."],
     ["{org} issued {a_warning} warning for wind covering most of {region}.",
      "{a_warning} weather warning from {org} was in force until midnight.",
      "{org} had put {a_warning} warning in place on the eve of the storm."],
     ["More than {trees} trees were brought down, blocking roads.",
      "Police said {trees} fallen trees had blocked roads across the region.",
      "About {trees} trees fell, many of them onto roads and railway lines."],
     ["{schools} schools were closed for the day.", "Some {schools} schools did not open.",
      "Head teachers closed {schools} schools as a precaution."],
     ["{flights} flights were cancelled at the regional airport.",
      "At the airport, {flights} flights were cancelled.",
      "Airlines cancelled {flights} flights in and out of the region."],
     ["Forecaster {forecaster} said the storm was the strongest to hit the region in a decade.",
      "{forecaster}, a forecaster at {org}, said winds would ease overnight.",
      "According to {forecaster} of {org}, the worst of the wind had passed by the evening."]],
    [["{grid} said it hoped to reconnect most customers by the end of the week.",
      "{grid} said {restored:,} customers had been reconnected.",
      "Engineers from {grid} have been working through the night to restore supplies."],
     ["Councils across {region} have begun clearing fallen trees.",
      "Road crews worked on {today} to reopen blocked routes.",
      "Most main roads had reopened by {today}."],
     ["Insurers say claims could run into millions.", "The cost of the damage is expected to be high.",
      "Farmers reported damage to barns and fences."]],
    [("engineer", "a spokesperson for {grid}", ["Our teams are working as fast as they safely can",
                                                "We understand how hard this is for people without heating",
                                                "The damage to the network has been extensive"]),
     ("forecaster", "of {org}", ["This was a very powerful storm", "People should keep checking the forecast",
                                 "We expect calmer weather by the weekend"]),
     ("witness", "from {place}", ["The whole house was shaking", "A tree came down right across our drive",
                                  "We have had no power or heating since {weekday}"])])


def _election_facts(rng: random.Random, w: World, c: dict) -> None:
    parties = rng.sample(["Civic Union", "Progress Alliance", "Green Commons", "People's Reform Party",
                          "Liberty Front", "Heritage Party", "Workers' League", "New Centre"], 3)
    total = rng.randint(15, 60) * 1000
    s = sorted((rng.randint(20, 60) for _ in range(3)), reverse=True)
    votes = [total * x // sum(s) for x in s]
    c.update(org=f"the {c['place']} electoral office", p1=parties[0], p2=parties[1], p3=parties[2],
             c1=w.person(), c2=w.person(), c3=w.person(), v1=votes[0], v2=votes[1], v3=votes[2],
             margin=votes[0] - votes[1], turnout=rng.randint(28, 74), officer=w.person(),
             wards=rng.randint(8, 24),
             seat=f"{c['place']} {rng.choice(['North', 'South', 'Central', 'and ' + w.word(2)])}",
             last=rng.randint(2008, 2020))


ELECTION = Event(
    "election_count", _election_facts,
    lambda c, d, rng: {"declared": c["wards"] if d else max(1, c["wards"] // 3), "day_n": ORDINALS[d]},
    ["Count under way in {seat} by-election", "{p1} ahead as {seat} count begins",
     "Early results put {c1} in front in {seat}",
     "{seat} votes counted overnight"],
    ["{c1} wins {seat} by {margin:,} votes", "{p1} takes {seat} after long count",
     "{seat} result: {c1} elected",
     "{c2} concedes defeat in {seat}"],
    ["Counting began on {weekday} night in the {seat} by-election, with {declared} of {wards} wards "
     "declared by the early hours.",
     "Early figures from the {seat} by-election on {weekday} put {c1} of the {p1} ahead, with {declared} of "
     "{wards} wards counted.",
     "Votes in the {seat} by-election were being counted on {weekday}, with turnout put at {turnout}%."],
    ["{c1} of the {p1} has won the {seat} by-election with a majority of {margin:,}.",
     "The {p1} candidate, {c1}, was declared the winner in {seat} on {today}.",
     "After all {wards} wards were counted, {c1} took {seat} by {margin:,} votes."],
    [["{c1} received {v1:,} votes, against {v2:,} for {c2} of the {p2}.",
      "The {p1} polled {v1:,} votes and the {p2} {v2:,}.",
      "With {v1:,} votes, {c1} finished ahead of {c2}, who had {v2:,}."],
     ["{c3} of the {p3} came third with {v3:,} votes.", "The {p3} candidate, {c3}, was third on {v3:,}.",
      "In third place was {c3}, with {v3:,} votes."],
     ["Turnout was {turnout}%.", "Some {turnout}% of voters took part.",
      "Turnout stood at {turnout}% of the electorate."],
     ["The seat fell vacant after the previous member stood down.",
      "The by-election was called after the sitting member resigned.",
      "The vote was held after the death of the previous member."],
     ["The seat was last contested in {last}.",
      "At the last election, in {last}, the seat was closely fought.",
      "The result will be compared with {last}, when the seat last changed hands."],
     ["Returning officer {officer} oversaw the count at the {place} leisure centre.",
      "The count, run by returning officer {officer}, took place at the town's leisure centre.",
      "{officer}, the returning officer, said the count had gone smoothly."]],
    [["{c2} congratulated the winner and said the {p2} would fight on.",
      "{c2} conceded shortly after the result was read out.",
      "The defeated {p2} candidate, {c2}, said the campaign had been fair."],
     ["A request for a recount was turned down.", "A partial recount of one ward did not change the outcome.",
      "The {p2} asked for a bundle check, which confirmed the result."],
     ["The result was declared at {today}'s session of the count.",
      "The final declaration was made on {today}.",
      "All {wards} wards had been counted by {today}."]],
    [("c1", "the {p1} candidate", ["The people of {seat} have spoken",
      "I will work hard for every voter, not just those who backed me",
                                   "This is a victory for the whole community"]),
     ("c2", "the {p2} candidate", ["We ran a positive campaign and I am proud of it",
                                   "This is not the result we wanted", "We will be back"])])


def _hospital_facts(rng: random.Random, w: World, c: dict) -> None:
    c.update(org=f"{c['place']} General Hospital", body="the Care Standards Office", chief=w.person(),
             inspector=w.person(), weeks=rng.randint(14, 60), waiting=rng.randint(4, 60) * 100,
             rating=rng.choice(["inadequate", "poor"]), beds=rng.randint(200, 900),
             staff=rng.randint(12, 60) * 100, vacancies=rng.randint(4, 18), funding=rng.randint(3, 40),
             wards=rng.randint(2, 8), hours=rng.randint(6, 19))


HOSPITAL = Event(
    "hospital_inspection", _hospital_facts,
    lambda c, d, rng: {"day_n": ORDINALS[d]},
    ["{org} rated {rating} by inspectors", "Inspectors criticise waiting times at {org}",
     "{place} hospital told to improve",
     "Patients wait {hours} hours in {place} emergency department"],
    ["{org} chief promises action after report", "£{funding} million to cut waits at {org}",
     "{chief} responds to inspection of {org}",
     "Staff shortages blamed for {org} problems"],
    ["Inspectors have rated {org} as {rating} after finding patients waiting up to {hours} hours in its "
     "emergency department.",
     "A report published on {weekday} by {body} rated {org} {rating}.",
     "{org} has been told to improve after inspectors found {waiting:,} patients waiting more than {weeks} "
     "weeks for treatment."],
    ["The head of {org}, {chief}, has promised changes after the hospital was rated {rating} on {weekday}.",
     "Managers at {org} set out a plan on {today} to reduce waiting times.",
     "{org} announced £{funding} million of extra spending on {today}, days after a critical report."],
    [["Some patients waited up to {hours} hours to be seen in the emergency department.",
      "In the emergency department, waits of {hours} hours were recorded.",
      "Inspectors found people had waited as long as {hours} hours for a bed."],
     ["About {waiting:,} people have been waiting more than {weeks} weeks for planned operations.",
      "The waiting list includes {waiting:,} patients who have waited over {weeks} weeks.",
      "More than {waiting:,} patients are waiting longer than {weeks} weeks."],
     ["The hospital has {beds} beds and employs {staff:,} staff.",
      "With {beds} beds, it is the largest hospital in {region}.",
      "It has around {staff:,} staff and {beds} beds."],
     ["{vacancies}% of nursing posts are vacant.", "About {vacancies}% of nursing jobs are unfilled.",
      "The vacancy rate for nurses is {vacancies}%."],
     ["Inspectors visited {wards} wards over three days.", "The inspection covered {wards} wards.",
      "Inspection teams looked at {wards} wards as well as the emergency department."],
     ["Lead inspector {inspector} said staff were caring but overstretched.",
      "{inspector}, who led the inspection, praised the dedication of nurses.",
      "According to {inspector}, the problems were caused by a lack of beds rather than poor care."]],
    [["{chief} said £{funding} million would be spent on extra beds and staff.",
      "The hospital will spend £{funding} million on the changes.",
      "The plan, costing £{funding} million, includes a new assessment unit."],
     ["Patient groups welcomed the plan but said it was overdue.",
      "Campaigners said the problems had been known for years.",
      "Local councillors called for regular updates on progress."],
     ["A follow-up inspection will take place within six months.", "Inspectors will return later this year.",
      "{body} said it would monitor the hospital closely."]],
    [("chief", "chief executive of {org}", ["We accept the findings in full",
      "Our staff work incredibly hard under great pressure",
                                            "Patients deserve better and we will deliver it"]),
     ("inspector", "of {body}", ["Patients were being let down by the system, not by staff",
                                 "We saw some excellent care on the wards",
                                 "Improvements must be made quickly"]),
     ("witness", "whose father was treated at the hospital", ["We waited all night on a trolley",
                                                              "The nurses were wonderful but there were not "
                                                              "enough of them",
                                                              "Nobody told us what was happening"])])


def _bridge_facts(rng: random.Random, w: World, c: dict) -> None:
    c.update(org=f"{c['region']} Highways", bridge=f"the {w.word(2)} Bridge", engineer=w.person(),
             councillor=w.person(),
             vehicles=rng.randint(8, 60) * 1000, weeks=rng.randint(3, 30), detour=rng.randint(4, 25),
             cost=rng.randint(1, 25), built=rng.randint(1890, 1975), cracks=rng.randint(2, 9))


BRIDGE = Event(
    "bridge_closure", _bridge_facts,
    lambda c, d, rng: {"day_n": ORDINALS[d], "queue": rng.randint(20, 70)},
    ["{bridge} in {place} closed after cracks found", "{place} bridge shut for {weeks} weeks",
     "Cracks close {bridge} over the {river}",
     "Drivers face {detour}-mile detour as {bridge} closes"],
    ["Traffic chaos in {place} as {bridge} stays shut", "£{cost} million repair plan for {bridge}",
     "Businesses hit by {bridge} closure",
     "Queues of {queue} minutes around {place} after bridge closure"],
    ["{bridge}, which carries the main road over the {river} in {place}, was closed on {weekday} after "
     "engineers found {cracks} cracks.",
     "Engineers closed {bridge} in {place} on {weekday} after a routine inspection found cracks in its "
     "supports.",
     "Drivers in {place} face long diversions after {bridge} over the {river} was shut on {weekday}."],
    ["Drivers in {place} faced queues of up to {queue} minutes on {today} as {bridge} remained closed.",
     "The closure of {bridge} caused long delays for a {day_n} day on {today}.",
     "{org} said on {today} that {bridge} would need a £{cost} million repair."],
    [["The bridge carries about {vehicles:,} vehicles a day.",
      "Some {vehicles:,} vehicles cross the bridge every day.",
      "Around {vehicles:,} cars and lorries use the crossing daily."],
     ["It is expected to stay closed for at least {weeks} weeks.", "The closure could last {weeks} weeks.",
      "{org} said repairs would take around {weeks} weeks."],
     ["The diversion adds {detour} miles to journeys.",
      "Traffic is being sent on a {detour}-mile detour via {place2}.",
      "The official diversion through {place2} is {detour} miles long."],
     ["The bridge was built in {built}.", "Opened in {built}, the bridge is one of the oldest in the region.",
      "It has stood over the {river} since {built}."],
     ["Senior engineer {engineer} said the cracks were in two of the main supports.",
      "{engineer}, an engineer with {org}, said the structure could not safely carry traffic.",
      "The decision to close the bridge was taken by {engineer} and his team."],
     ["Pedestrians can still use the footpath on the bridge.", "The bridge remains open to people on foot.",
      "Cyclists have been told to dismount and walk across."]],
    [["Councillor {councillor} called for a temporary bridge.",
      "{councillor}, a local councillor, said shops were losing trade.",
      "Local representative {councillor} has demanded a faster repair."],
     ["The repair is expected to cost £{cost} million.",
      "{org} estimates the repair bill at £{cost} million.",
      "Repairs will cost around £{cost} million, according to {org}."],
     ["Bus routes across the {river} have been changed.", "Schools have warned parents of delays.",
      "Businesses near the bridge say customers are staying away."]],
    [("engineer", "of {org}", ["Safety has to come first", "We did not take this decision lightly",
                               "We are working on a plan to reopen the bridge as quickly as possible"]),
     ("witness", "who runs a shop near the bridge", ["Trade has fallen off a cliff",
      "It takes me an hour to get to work now",
                                                     "People just cannot get to us"])])


def _takeover_facts(rng: random.Random, w: World, c: dict) -> None:
    c.update(org=f"{w.word(2)} {rng.choice(['Group', 'Foods', 'Logistics', 'Systems', 'Brewing', 'Energy'])}",
             bidder=f"{w.word(2)} {rng.choice(['Partners', 'Industries', 'Corporation', 'International'])}",
             ceo=w.person(), chair=w.person(), analyst=w.person(), price=rng.randint(120, 950),
             total=rng.randint(2, 90) * 10, premium=rng.randint(18, 55), staff=rng.randint(10, 120) * 100,
             shops=rng.randint(40, 400), founded=rng.randint(1870, 1995), rise=rng.randint(8, 40))


TAKEOVER = Event(
    "takeover", _takeover_facts,
    lambda c, d, rng: {"day_n": ORDINALS[d], "accept": min(97, 40 + 20 * d)},
    ["{bidder} agrees £{total} million deal for {org}", "{org} shares jump {rise}% on takeover bid",
     "{org} to be bought by {bidder}",
     "{bidder} bids {price}p a share for {org}"],
    ["{org} board backs {bidder} offer", "Unions seek job guarantees in {org} takeover",
     "Regulator to review {org} deal",
     "{org} shareholders weigh {bidder} bid"],
    ["{bidder} has agreed to buy {org} for £{total} million, or {price}p a share.",
     "Shares in {org} rose {rise}% on {weekday} after {bidder} agreed a £{total} million takeover.",
     "The board of {org} said on {weekday} that it would recommend a £{total} million offer from {bidder}."],
    ["Investors holding {accept}% of {org} shares had accepted the {bidder} offer by {today}.",
     "The £{total} million takeover of {org} by {bidder} moved a step closer on {today}.",
     "Unions representing staff at {org} asked {bidder} on {today} for guarantees on jobs."],
    [["The offer is a premium of {premium}% to the share price before the bid.",
      "The price is {premium}% above where the shares closed before the approach.",
      "Shareholders are being offered a {premium}% premium."],
     ["{org} employs {staff:,} people.", "The company has about {staff:,} employees.",
      "Some {staff:,} people work for the group."],
     ["It runs {shops} sites across the country.", "The group operates {shops} sites.",
      "{org} has {shops} outlets and depots."],
     ["The company was founded in {founded} in {place}.", "{org} has been based in {place} since {founded}.",
      "Founded in {founded}, the firm is one of the best-known businesses in {place}."],
     ["Chief executive {ceo} said the deal would give the business the money it needed to grow.",
      "{ceo}, the chief executive of {org}, called the offer a good result for shareholders.",
      "According to {ceo}, the takeover would protect the company's future."],
     ["Analyst {analyst} said other bidders could yet emerge.",
      "{analyst}, a market analyst, said the price looked fair.",
      "Some investors think the offer undervalues the business, {analyst} said."]],
    [["The deal needs the approval of competition regulators.",
      "Regulators are expected to examine the deal.",
      "The takeover will be reviewed by the competition authorities."],
     ["Unions asked for a promise that the head office in {place} would stay open.",
      "Staff fear that jobs at the {place} head office could go.",
      "The unions want guarantees that no jobs will be cut for two years."],
     ["Chairman {chair} said the board was unanimous.",
      "{chair}, the chairman, urged shareholders to accept.",
      "The board, led by {chair}, said it had considered the offer carefully."]],
    [("ceo", "chief executive of {org}", ["This is a great day for our company",
      "Our customers will see no change",
                                          "We have found the right partner"]),
     ("analyst", "a market analyst", ["It is a full price but not an outrageous one",
      "I would not rule out a counter-bid",
                                      "Shareholders are likely to take the money"])])


def _derail_facts(rng: random.Random, w: World, c: dict) -> None:
    c.update(org=f"{c['region']} Rail", branch="the Rail Accident Board", wagons=rng.randint(3, 22),
             cargo=rng.choice(["timber", "gravel", "grain", "containers",
                               "steel coils"]), inspector=w.person(),
             spokes=w.person(), hour=rng.randint(1, 11), trains=rng.randint(40, 240),
             passengers=rng.randint(5, 60) * 1000,
             miles=rng.randint(8, 40), buses=rng.randint(10, 60))


DERAIL = Event(
    "derailment", _derail_facts,
    lambda c, d, rng: {"day_n": ORDINALS[d], "open": "reopened" if d >= 3 else "remain closed"},
    ["Freight train derails near {place}", "{wagons} wagons leave track near {place}",
     "Rail line closed after derailment near {place}",
     "Derailment halts trains between {place} and {place2}"],
    ["Line between {place} and {place2} to {open}", "Investigators examine track after {place} derailment",
     "Commuters face {day_n} day of disruption after derailment",
     "Cranes lift wagons after {place} derailment"],
    ["A freight train carrying {cargo} came off the tracks near {place} at about {hour} o'clock on "
     "{weekday}.",
     "{wagons} wagons of a freight train derailed near {place} on {weekday}, closing the line to {place2}.",
     "The line between {place} and {place2} was closed on {weekday} after a freight train derailed."],
    ["The line between {place} and {place2} was expected to {open} on {today}, {days_txt} after the "
     "derailment.",
     "Passengers faced a {day_n} day of disruption on {today} after the derailment near {place}.",
     "Recovery work continued on {today} at the site of the derailment near {place}."],
    [["Nobody was injured.", "The driver escaped unhurt.", "No injuries were reported."],
     ["The train was carrying {cargo}.", "Its cargo of {cargo} was spilled along the track.",
      "Some of the {cargo} it was carrying ended up beside the line."],
     ["{wagons} wagons left the rails.", "Of the train's wagons, {wagons} were derailed.",
      "{wagons} wagons came off the track, some on their sides."],
     ["About {trains} passenger trains a day use the route.",
      "The line normally carries {trains} trains daily.",
      "Some {trains} services a day have been cancelled or diverted."],
     ["Replacement buses are running between {place} and {place2}.",
      "{org} has laid on {buses} replacement buses.",
      "Passengers are being taken by bus between the two stations."],
     ["{branch} has sent inspectors to the site.", "Inspectors from {branch} arrived on {weekday} afternoon.",
      "An investigation has been opened by {branch}."]],
    [["Cranes were brought in to lift the wagons.", "Two large cranes have been used to lift the wagons.",
      "Engineers are replacing {miles}0 metres of damaged track."],
     ["{spokes}, for {org}, apologised to passengers.", "{org} said it was sorry for the disruption.",
      "{spokes} of {org} thanked passengers for their patience."],
     ["Inspector {inspector} said the investigation would look at the track and the wagons.",
      "{inspector}, who leads the inquiry, said a report would be published in due course.",
      "The inquiry will be led by {inspector}."]],
    [("spokes", "a spokesperson for {org}", ["We are working around the clock to reopen the line",
                                             "We are sorry for the disruption this is causing",
                                             "Please check before you travel"]),
     ("witness", "who lives beside the line", ["It sounded like thunder",
      "There were wagons lying all over the field",
                                               "I ran out and saw the driver climbing down"])])


def _theft_facts(rng: random.Random, w: World, c: dict) -> None:
    kind = rng.choice(["History", "Art", "Antiquities", "Maritime Life", "Crafts"])
    c.update(org=f"the {c['place']} Museum of {kind}",
             item=rng.choice(["a gold brooch", "a silver chalice", "a jewelled sword hilt",
                              "a set of enamel plates",
                              "an ivory chess set", "a painted altar panel"]),
             century=rng.randint(9, 17), value=rng.randint(2, 80) * 10000, curator=w.person(),
             detective=w.person(),
             suspect_age=rng.randint(19, 58), hour=rng.randint(1, 5), items=rng.randint(2, 6),
             reward=rng.randint(2, 20) * 1000,
             opened=rng.randint(1850, 1960))


THEFT = Event(
    "museum_theft", _theft_facts,
    lambda c, d, rng: {"day_n": ORDINALS[d], "arrests": min(4, d + 1)},
    ["Thieves steal {item} from {org}", "Break-in at {place} museum",
     "{century}th-century {item} stolen in {place}",
     "Museum theft: £{value:,} treasure taken"],
    ["{arrests} arrested after {place} museum theft", "Reward of £{reward:,} offered for stolen {item}",
     "Police appeal for help over {place} museum theft", "Curator speaks of loss of {item}"],
    ["Thieves broke into {org} at about {hour} o'clock on {weekday} and stole {item} dating from the "
     "{century}th century.",
     "{item} dating from the {century}th century was taken from {org} in a break-in on {weekday}.",
     "Police are investigating the theft of {items} objects, including {item}, from {org} on {weekday}."],
    ["Police investigating the theft from {org} on {weekday} said {arrests} people had been arrested by "
     "{today}.",
     "{arrests} people were being questioned on {today} over the theft of {item} from {org}.",
     "A reward of £{reward:,} has been offered for information about the theft from {org}."],
    [["The {item} is valued at about £{value:,}.", "Experts put its value at £{value:,}.",
      "It is thought to be worth £{value:,}."],
     ["The thieves took {items} objects in total.", "{items} items were taken from a single display case.",
      "In all, {items} objects are missing."],
     ["Alarms sounded shortly after {hour} o'clock.", "The alarm was raised at about {hour} o'clock.",
      "Staff were alerted by an alarm shortly after {hour} o'clock."],
     ["Curator {curator} said the object had been on display since the museum opened in {opened}.",
      "{curator}, the curator, said it was one of the most important pieces in the collection.",
      "The museum's curator, {curator}, said the loss was heartbreaking."],
     ["Detective {detective} asked anyone who saw a vehicle near the museum to come forward.",
      "{detective}, who is leading the investigation, said the raid appeared to have been planned.",
      "Police said the thieves had forced a rear window, according to {detective}."],
     ["{org} opened in {opened}.", "The museum has been open to the public since {opened}.",
      "The museum was founded in {opened} by a group of local collectors."]],
    [["A man aged {suspect_age} was among those arrested.",
      "One of those held is a {suspect_age}-year-old man from {place2}.",
      "Police arrested a {suspect_age}-year-old in {place2}."],
     ["The museum will stay closed while forensic work continues.",
      "The museum is expected to reopen next week.",
      "The gallery where the theft took place remains closed."],
     ["Specialist officers are checking whether the objects have been offered for sale.",
      "Dealers have been warned not to buy the stolen items.",
      "Details of the objects have been circulated to auction houses."]],
    [("curator", "curator at {org}", ["It is part of the history of {place} and it belongs here",
                                      "We just want it back",
                                      "It cannot be sold openly, it is too well known"]),
     ("detective", "of the police", ["This was a targeted raid", "Somebody knows who did this",
                                     "We are following a number of lines of inquiry"])])


def _water_facts(rng: random.Random, w: World, c: dict) -> None:
    c.update(org=f"{c['region']} Water", households=rng.randint(3, 90) * 1000, director=w.person(),
             doctor=w.person(),
             bottles=rng.randint(20, 400) * 1000, stations=rng.randint(3, 14), comp=rng.randint(3, 15) * 10,
             samples=rng.randint(4, 40), works=f"the {w.word(2)} treatment works")


WATER = Event(
    "boil_water", _water_facts,
    lambda c, d, rng: {"day_n": ORDINALS[d], "lifted": max(0, c["households"] * min(d, 4) // 4)},
    ["{households:,} homes told to boil water in {place}", "Boil-water notice issued in {place}",
     "Bacteria found in {place} water supply",
     "{org} warns {households:,} households over water"],
    ["Boil-water notice lifted for {lifted:,} homes", "£{comp} compensation for {place} households",
     "{org} apologises over water scare",
     "Questions for {org} after water scare"],
    ["About {households:,} households in and around {place} were told on {weekday} to boil their tap water "
     "before drinking it.",
     "{org} issued a boil-water notice to {households:,} homes in {place} on {weekday} after bacteria were "
     "found.",
     "Residents of {place} were advised on {weekday} to boil drinking water after tests at {works} found "
     "contamination."],
    ["{org} said on {today} that the notice had been lifted for {lifted:,} households.",
     "The boil-water notice in {place} entered its {day_n} day on {today}.",
     "Households affected by the water scare in {place} will get £{comp} each, {org} said on {today}."],
    [["The bacteria were found in {samples} samples taken at {works}.",
      "Routine tests found bacteria in {samples} samples.",
      "Contamination showed up in {samples} routine samples."],
     ["{stations} stations are handing out bottled water.",
      "Bottled water is available at {stations} collection points.",
      "{org} set up {stations} bottled water stations."],
     ["{bottles:,} bottles of water have been handed out.",
      "About {bottles:,} bottles have been distributed so far.",
      "The company says it has given out {bottles:,} bottles."],
     ["Operations director {director} apologised to customers.",
      "{director}, of {org}, said the company was sorry.",
      "{org}'s operations director, {director}, said the cause was being investigated."],
     ["Public health doctor {doctor} said the risk to health was low.",
      "{doctor}, a public health consultant, said boiling water made it safe.",
      "According to {doctor}, vulnerable people should take extra care."]],
    [["Households will receive £{comp} in compensation.", "Each affected home will get £{comp}.",
      "{org} has promised compensation of £{comp} per household."],
     ["The notice was lifted in stages as tests came back clear.",
      "Further tests are being carried out before the notice is lifted fully.",
      "Clear samples have allowed the company to lift the notice in parts of {place}."],
     ["Councillors have asked for an inquiry.", "The drinking water regulator is looking into the incident.",
      "Some residents say they were told too late."]],
    [("director", "of {org}", ["We are truly sorry for the inconvenience",
      "Our priority is making the water safe again",
                               "We will find out exactly what went wrong"]),
     ("witness", "a mother of two from {place}", ["We have been boiling kettles all day",
      "We only heard about it from a neighbour",
                                                  "The queue for bottled water was huge"])])


def _wildfire_facts(rng: random.Random, w: World, c: dict) -> None:
    c.update(org=f"{c['region']} Fire and Rescue", moor=f"{w.word(2)} Moor", hectares0=rng.randint(40, 600),
             crews=rng.randint(20, 120),
             chief=w.person(), ranger=w.person(), homes=rng.randint(10, 200), heat=rng.randint(26, 36),
             helicopters=rng.randint(2, 4))


WILDFIRE = Event(
    "moorland_fire", _wildfire_facts,
    lambda c, d,
                 rng: {"day_n": ORDINALS[d], "hectares": c["hectares0"] * (d + 1),
                       "contained": min(95, 30 * d + 10)},
    ["Moorland fire on {moor} near {place}", "Crews battle blaze on {moor}",
     "Homes evacuated as fire spreads on {moor}",
     "Fire on {moor} covers {hectares} hectares"],
    ["Fire on {moor} now {contained}% contained", "{moor} fire burns for {day_n} day",
     "{moor} blaze grows to {hectares} hectares",
     "Cost of {moor} fire becomes clear"],
    ["Firefighters were tackling a large fire on {moor} near {place} on {weekday}, as temperatures reached "
     "{heat}C.",
     "A fire broke out on {moor}, above {place}, on {weekday} and spread across {hectares} hectares.",
     "About {crews} firefighters were sent to {moor} near {place} on {weekday} as fire swept across the "
     "heather."],
    ["The fire on {moor} had spread to {hectares} hectares by {today} but was {contained}% contained.",
     "Crews were fighting the fire on {moor} for a {day_n} day on {today}.",
     "The fire on {moor} near {place} was {contained}% contained on {today}, {org} said."],
    [["The fire has burned about {hectares} hectares.",
      "Around {hectares} hectares of moorland have been destroyed.",
      "So far {hectares} hectares have burned."],
     ["{crews} firefighters are at the scene.", "About {crews} crew members have been deployed.",
      "{org} sent {crews} firefighters."],
     ["{helicopters} helicopters have been dropping water on the flames.",
      "Water is being dropped from {helicopters} helicopters.",
      "{helicopters} helicopters were called in to help."],
     ["Residents of {homes} homes were told to leave.",
      "{homes} homes on the edge of {place} were evacuated.",
      "Around {homes} households were moved out as a precaution."],
     ["Temperatures reached {heat}C on {weekday}.", "The fire started in temperatures of {heat}C.",
      "It has been the hottest week of the year, with highs of {heat}C."],
     ["Area manager {chief} said the wind was making the fire hard to control.",
      "{chief}, of {org}, said crews were working in very difficult terrain.",
      "According to {chief}, the fire may have been started by a barbecue."]],
    [["Ranger {ranger} said it would take years for the moor to recover.",
      "{ranger}, a park ranger, said ground-nesting birds had been lost.",
      "Wildlife on the moor has been badly hit, {ranger} said."],
     ["Evacuated residents have been allowed home.", "Some residents were allowed to return on {today}.",
      "A rest centre for evacuated families remains open."],
     ["Visitors have been asked not to light barbecues.", "The park authority has banned barbecues.",
      "Police are investigating whether the fire was started deliberately."]],
    [("chief", "of {org}", ["This is a very large and challenging fire",
      "Please do not light fires in the countryside",
                            "Our crews are exhausted but they are making progress"]),
     ("ranger", "a ranger on {moor}", ["It is heartbreaking to see",
      "The moor will come back, but it will take time",
                                       "Most of these fires are caused by people"])])


EVENTS = [COUNCIL, FERRY, FIRE, COURT, TRANSFER, STORM, ELECTION, HOSPITAL, BRIDGE, TAKEOVER, DERAIL, THEFT,
          WATER,
          WILDFIRE]

BACKGROUND = [
    ["{place} has a population of about {pop:,}.",
     "{place}, home to some {pop:,} people, lies on the {river}.",
     "The town of {place}, in {region}, has around {pop:,} residents."],
    ["{place} is about {dist} miles from {place2}.",
     "The nearest large town, {place2}, is {dist} miles away.",
     "{place} lies {dist} miles from {place2}."],
    ["{place} is known for {feature}.", "The town is perhaps best known for {feature}.",
     "Visitors to {place} often come for {feature}."],
    ["The first record of {place} dates from {founded}.", "{place} received its market charter in {founded}.",
     "The town grew up around a crossing of the {river} in {founded}."],
]
GENERIC = [
    ["{outlet} has contacted {org} for further comment.", "{org} has been approached for comment.",
     "{org} did not respond to a request for comment from {outlet}."],
    ["More details are expected in the coming days.", "Further updates are expected on {next_day}.",
     "This story will be updated as more information becomes available."],
    ["{expert}, {expert_role}, said the events raised wider questions for {region}.",
     "{expert}, {expert_role}, said similar cases had been seen elsewhere in {region}.",
     "According to {expert}, {expert_role}, the situation was not unusual for a town the size of {place}."],
    ["Local people have been sharing their views on social media.", "Reaction in {place} has been mixed.",
     "The news was the main topic of conversation in {place} on {today}."],
]
QUOTE_FRAMES = ['"{q}," said {name}, {role}.', '{name}, {role}, said: "{q}."', '"{q}," {name} told {outlet}.',
                '{name} said: "{q}."', '"{q}," said {name}.']
CREDITS = ["This story was supplied by {wire}.", "Reporting by {wire}.", "Copyright {wire}.",
           "Source: {wire}.",
           "(c) {wire} {year}."]
OWN_LINES = ["{outlet} will continue to follow the story.", "Readers can send their views to {outlet}.",
             "Additional reporting by {outlet} staff.", "Follow {outlet} for the latest updates.",
             "{outlet} asked readers in {place} for their reaction."]
EXPERT_ROLES = ["a professor of planning at the University of {p}", "a lecturer in economics at {p} College",
                "a researcher at the {p} Institute", "a former official who lives in {p}",
                "an analyst based in {p}"]

# ---------------------------------------------------------------- rewording

SYN = {
    "said": ["stated", "noted"], "more than": ["over"], "residents": ["locals", "inhabitants"],
    "people": ["individuals"], "began": ["started"], "begin": ["start"], "company": ["firm", "business"],
    "expected": ["anticipated"], "announced": ["confirmed", "revealed"], "meeting": ["session"],
    "workers": ["staff",
    "employees"], "firefighters": ["fire crews"], "building": ["premises"], "warned": ["cautioned"],
    "large": ["big", "major"], "near": ["close to"],
    "because": ["since"],
    "several": ["a number of"], "needed": ["required"], "quickly": ["rapidly"], "approved": ["passed",
    "backed"],
    "homes": ["houses", "properties"], "closed": ["shut"], "shut": ["closed"], "plan": ["proposal", "scheme"],
    "plans": ["proposals"], "about": ["around", "roughly"], "blaze": ["fire"], "deal": ["agreement"],
    "hit": ["struck"], "asked for": ["called for"], "asked": ["urged"], "urged": ["called on"],
    "criticised": ["condemned"], "believed": ["thought"], "thought": ["believed"], "huge": ["enormous",
    "massive"],
    "called for": ["demanded"], "stolen": ["taken"], "supporters": ["fans"], "passengers": ["travellers"],
    "damage": ["destruction"], "bill": ["cost"], "arrived": ["got there"], "injured": ["hurt"],
       "roughly": ["about"],
    "decision": ["move"], "vote": ["ballot"], "shares": ["stock"], "shortly": ["soon"],
       "spokesperson": ["representative"],
    "investigation": ["inquiry"], "rose": ["climbed"], "praised": ["commended"], "attended": ["went to"],
    "destroyed": ["wrecked"], "critical": ["damning"], "protect": ["safeguard"], "arrested": ["detained"],
    "questioned": ["interviewed"], "continued": ["went on"], "disruption": ["upheaval"],
    "difficult": ["hard"], "enough": ["sufficient"], "worth": ["valued at"],
    "biggest": ["largest"], "largest": ["biggest"], "cancelled": ["scrapped",
    "axed"], "is known for": ["is famous for"],
    "best known": ["most famous"], "sites": ["locations"], "employees": ["workers"], "offer": ["bid"],
    "board": ["directors"], "story": ["report"], "information": ["details"], "town": ["community"],
    "season": ["campaign"], "scored": ["netted"], "contract": ["agreement"], "crews": ["teams"],
    "a strike": ["a walkout"], "the strike": ["the walkout"], "walkout": ["strike"], "patients": ["people"],
       "recorded": ["registered"],
    "sent": ["dispatched"],
    "for the day": ["for the whole day"], "in total": ["altogether"], "in all": ["altogether"],
       "so far": ["to date"],
    "together": ["jointly"], "evidence": ["testimony"], "jury": ["jurors"], "trial": ["case"],
    "sentenced": ["jailed"], "jailed": ["imprisoned"], "money": ["cash"], "result": ["outcome"],
    "candidate": ["contender"], "votes": ["ballots"], "count": ["tally"],
    "bridge": ["crossing"], "repairs": ["repair work"], "vehicles": ["cars and lorries"],
       "drivers": ["motorists"],
    "trains": ["services"], "track": ["rails"], "line": ["route"], "wagons": ["trucks"],
       "thieves": ["raiders"],
    "objects": ["items"], "items": ["objects"],  "households": ["homes"],
    "residents of": ["people living in"],
    "power": ["electricity"], "roads": ["routes"],
    "shops": ["stores"], "businesses": ["firms"], "people who": ["those who"], "fans": ["supporters"],
}
_HOUSE = [(re.compile(r"(\d)%"), r"\1 per cent"), (re.compile(r"£(\d+) million"), r"£\1m"),
          (re.compile(r"(\d)mph"), r"\1 miles per hour"), (re.compile(r"(\d)mm\b"), r"\1 millimetres"),
          (re.compile(r"(\d)C\b"), r"\1 degrees")]


def _trie_regex(words: list[str]) -> str:
    """One regex for many literals, as a trie: much faster than a plain alternation in Python's re."""
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        alts = [re.escape(ch) + build(sub) for ch, sub in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body

    return build(trie)


# the words and their capitalised forms (a sentence's first word); a capital inside a sentence is left alone
_SYN_RE = re.compile(r"\b" + _trie_regex([k for w in SYN for k in (w, _cap(w))]) + r"\b")
_NEVER_LOWER = {"Storm", "Judge", "River", "Detective", "Councillor", "Inspector", "Curator", "Manager",
                "Chairman",
                "Ranger", "Forecaster", "Prosecutor", "Owner"}
_ATTR1 = re.compile(r'^"(?P<q>[^"]+)," said (?P<who>[^"]+)\.$')
_ATTR2 = re.compile(r'^(?P<who>[^"]+?), (?P<role>[^"]+), said: "(?P<q>[^"]+)\."$')
_ATTR3 = re.compile(r'^"(?P<q>[^"]+)," (?P<who>[^"]+?) told (?P<to>[^"]+)\.$')
_CLAUSE = re.compile(r"^(?P<a>[^,\"]+?) (?P<c>after|because|as|while|when|before|since) (?P<b>[^,\"]+)\.$")
_ON_DAY = re.compile(r"^(?P<a>[^\"]+) on (?P<d>" + "|".join(WEEKDAYS) + r")(?P<b>[^\"]*)\.$")
_ACCORDING = re.compile(r"^(?P<a>[^\"]+), according to (?P<who>[A-Z][\w' -]+)\.$")
_SAID_MID = re.compile(r"^(?P<who>[A-Z][^,\"]+), (?P<role>[^,\"]+), said (?P<c>[^\"]+)\.$")
_SAID_SIMPLE = re.compile(r"^(?P<who>[A-Z][\w'-]+(?: [A-Z][\w'-]+){0,3}) said (?P<c>[^\":]+)\.$")
_NUM = re.compile(r"\d[\d,]*")


def _english() -> set[str]:
    """Every word the templates write in lower case: such a word opening a sentence is not a name."""
    texts: list[str] = []
    for ev in EVENTS:
        texts += ev.head0 + ev.head1 + ev.lead0 + ev.lead1 + [t for g in ev.groups + ev.later for t in g]
        texts += [t for q in ev.quotes for t in q[2]]
    texts += [t for g in BACKGROUND + GENERIC for t in g] + OWN_LINES + QUOTE_FRAMES
    texts += [t for alts in SYN.values() for t in alts]
    return set(re.findall(r"\b[a-z][a-z']*\b", re.sub(r"\{[^}]*\}", " ", " ".join(texts))))


def _lower_first(s: str) -> str:
    first = s.split(" ", 1)[0]
    if first in _NEVER_LOWER or first.lower() not in _ENGLISH or first == "I":
        return s
    return s[:1].lower() + s[1:]


def reword(s: str, rng: random.Random, rate: float) -> str:
    """Swap words for synonyms, each with probability ``rate``, keeping a capital letter at the start."""

    def sub(m: re.Match) -> str:
        w = m.group(0)
        i = m.start()
        if w[0].isupper() and i > 0 and s[i - 1] not in "\"(":
            return w  # a capital inside a sentence: part of a name ("Rail Accident Board")
        if rng.random() >= rate or (w.lower() == "town" and s.startswith(" hall", m.end())):
            return w
        alt = rng.choice(SYN[w.lower()])
        return _cap(alt) if w[0].isupper() else alt

    return _SYN_RE.sub(sub, s)


def restructure(s: str, rng: random.Random) -> str:
    """Turn a sentence round: attribution first or last, a subordinate clause to the front, the day moved."""
    m = _ATTR1.match(s)
    if m:
        who = m["who"]
        return f'{who}, said: "{m["q"]}."' if ", " in who else f'{who} said: "{m["q"]}."'
    m = _ATTR2.match(s)
    if m:
        return f'"{m["q"]}," said {m["who"]}, {m["role"]}.'
    m = _ATTR3.match(s)
    if m:
        return f'{m["who"]} told {m["to"]}: "{m["q"]}."'
    m = _ACCORDING.match(s)
    if m:
        return f"According to {m['who']}, {_lower_first(m['a'])}."
    m = _SAID_MID.match(s)
    if m:
        return f"{_cap(m['c'])}, said {m['who']}, {m['role']}."
    m = _SAID_SIMPLE.match(s)
    if m and rng.random() < 0.7:
        return f"{_cap(m['c'])}, {m['who']} said."
    m = _CLAUSE.match(s)
    if m and rng.random() < 0.8:
        return f"{_cap(m['c'])} {m['b']}, {_lower_first(m['a'])}."
    m = _ON_DAY.match(s)
    if m and not m["b"].strip() and " " in m["a"]:
        return f"On {m['d']}, {_lower_first(m['a'])}."
    return s


def change_figure(s: str, rng: random.Random) -> str:
    """Change one figure that is not a year by 5-20%."""
    nums = [m for m in _NUM.finditer(s) if not (len(m.group(0)) == 4 and 1800 <= int(m.group(0)) <= 2100)]
    if not nums:
        return s
    m = rng.choice(nums)
    v = int(m.group(0).replace(",", ""))
    delta = max(1, round(v * rng.uniform(0.05, 0.2)))
    nv = v + delta if rng.random() < 0.5 or v - delta < 1 else v - delta
    txt = f"{nv:,}" if "," in m.group(0) else str(nv)
    return s[:m.start()] + txt + s[m.end():]


# ---------------------------------------------------------------- articles


def _paragraphs(sents: list[str], rng: random.Random) -> list[list[str]]:
    paras = [[sents[0]]]
    i = 1
    while i < len(sents):
        k = rng.choice((1, 1, 2, 2, 3))
        paras.append(sents[i:i + k])
        i += k
    return paras


def _text(paras: list[list[str]]) -> str:
    return "\n\n".join(" ".join(p) for p in paras)


class _Story:
    def __init__(self, index: int, ev: Event, ctx: dict, t0: dt.datetime, days: int) -> None:
        self.index, self.ev, self.ctx, self.t0, self.days = index, ev, ctx, t0, days
        self.key = f"{ev.key}-{index:06d}"
        self._states: dict[int, dict] = {}
        self._used: dict[int, list[int]] = {}

    def pick(self, alts: list[str], rng: random.Random) -> str:
        """One of ``alts``, among those this story's articles have used least: independent reports of one
        event state the same facts in different words (three phrasings cover three articles without a
        repeat), while copies and rewrites keep their source's wording."""
        used = self._used.setdefault(id(alts), [0] * len(alts))
        low = min(used)
        i = rng.choice([k for k, u in enumerate(used) if u == low])
        used[i] += 1
        return alts[i]

    def state(self, day: int, rng: random.Random) -> dict:
        st = self._states.get(day)
        if st is None:
            st = dict(self.ctx)
            st.update(self.ev.evolve(self.ctx, day, rng))
            st["days"] = day
            st["days_txt"] = ("the same day", "a day", "two days", "three days", "four days", "five days",
                              "six days")[min(day, 6)]
            self._states[day] = st
        return st


def _fill(t: str, ctx: dict) -> str:
    return _cap(t.format_map(ctx))


def _house(sents: list[str]) -> list[str]:
    for pat, rep in _HOUSE:
        sents = [pat.sub(rep, x) for x in sents]
    return sents


def _original(story: _Story, when: dt.datetime, outlet: str, is_wire: bool, house: bool,
              rng: random.Random) -> tuple[str, list[list[str]]]:
    day = min(max(0, int((when - story.t0) / DAY)), len(ORDINALS) - 1)
    ev = story.ev
    ctx = dict(story.state(day, rng))
    wd = when.weekday()
    ctx.update(outlet=outlet, today=WEEKDAYS[wd], next_day=WEEKDAYS[(wd + 1) % 7])
    later = day > 0
    title = _fill(story.pick(ev.head1 if later and rng.random() < 0.8 else ev.head0, rng), ctx)
    lead = _fill(story.pick(ev.lead1 if later else ev.lead0, rng), ctx)
    if is_wire:
        lead = f"{ctx['place'].upper()}, {when.day} {MONTHS[when.month - 1]} ({outlet}) - {lead}"
    facts = list(ev.groups)
    rng.shuffle(facts)
    extra = list(ev.later) if later else []
    rng.shuffle(extra)
    quotes = list(ev.quotes)
    rng.shuffle(quotes)
    back = BACKGROUND + GENERIC
    back = rng.sample(back, len(back))
    # developments first on later days, then facts with quotes among them, then background
    body_groups: list = extra[:2] + facts[:3]
    rest: list = facts[3:] + extra[2:]
    for q in quotes:
        rest.insert(rng.randrange(len(rest) + 1), q)
    body_groups += rest + back
    target = rng.randint(8, 25)
    sents = [lead]
    for g in body_groups:
        if len(sents) >= target:
            break
        if isinstance(g, tuple):
            name_key, role, contents = g
            frame = rng.choice(QUOTE_FRAMES)
            s = frame.format(q=rng.choice(contents).format_map(ctx), name=ctx[name_key],
                             role=role.format_map(ctx),
                             outlet=outlet)
            sents.append(_cap(s))
        else:
            sents.append(_fill(story.pick(g, rng), ctx))
    # independent reports differ in wording too, not only in which phrasing of a fact they picked
    varied = [sents[0]]
    for s in sents[1:]:
        if rng.random() < 0.3:
            s = restructure(s, rng)
        varied.append(reword(s, rng, 0.25) if rng.random() < 0.6 else s)
    sents = _house(varied) if house else varied
    return title, _paragraphs(sents, rng)


def _copy(src_title: str, src: list[list[str]], ctx: dict, wire: str, outlet: str, story: _Story,
          when: dt.datetime, rng: random.Random) -> tuple[str, list[list[str]]]:
    paras = [list(p) for p in src]
    title = src_title
    c = dict(ctx, wire=wire, outlet=outlet, year=when.year)
    if rng.random() < 0.4:  # word for word, with a credit line
        paras.append([rng.choice(CREDITS).format_map(c)])
        return title, paras
    if rng.random() < 0.6:
        day = min(max(0, int((when - story.t0) / DAY)), len(ORDINALS) - 1)
        st = dict(story.state(day, rng), outlet=outlet)
        title = _fill(rng.choice(story.ev.head0 + story.ev.head1), st)
    r = rng.random()
    if len(paras) > 3 and r < 0.35:
        paras.pop()
    elif len(paras) > 3 and r < 0.7:
        paras[-1] = [_fill(rng.choice(OWN_LINES), c)]
    else:
        paras.append([rng.choice(CREDITS).format_map(c)])
    for _ in range(rng.randint(0, 2)):
        i = rng.randrange(1, len(paras)) if len(paras) > 1 else 0
        j = rng.randrange(len(paras[i]))
        paras[i][j] = reword(paras[i][j], rng, 0.5)
    return title, paras


def _rewrite(src_title: str, src: list[list[str]], ctx: dict, outlet: str, house: bool, story: _Story,
             when: dt.datetime, rng: random.Random) -> tuple[str, list[list[str]]]:
    flat = [s for p in src for s in p]
    lead = re.sub(r"^[A-Z][A-Z' -]+, \d+ \w+ \([^)]*\) - ",
                   "", flat[0])  # a rewrite drops the wire's dateline
    drop = rng.uniform(0.1, 0.25)
    out = [reword(restructure(lead, rng), rng, 0.7)]
    for s in flat[1:]:
        if rng.random() < drop:
            continue
        if rng.random() < 0.6:
            s = restructure(s, rng)
        out.append(reword(s, rng, 0.7))
    if rng.random() < 0.35:
        idx = [i for i, s in enumerate(out) if any(ch.isdigit() for ch in s)]
        if idx:
            i = rng.choice(idx)
            out[i] = change_figure(out[i], rng)
    merged = [out[0]]
    for s in out[1:]:
        prev = merged[-1]
        if (len(merged) > 1 and '"' not in prev + s and len(prev) + len(s) < 160 and rng.random() < 0.2
                and prev.endswith(".")):
            merged[-1] = f"{prev[:-1]}, and {_lower_first(s)}"
        else:
            merged.append(s)
    out = merged
    if house:
        out = _house(out)
    c = dict(ctx, outlet=outlet)
    for line in rng.sample(OWN_LINES, rng.choice((0, 0, 1, 2))):
        out.insert(rng.randrange(1, len(out) + 1), _fill(line, c))
    title = reword(src_title, rng, 0.9)
    if rng.random() < 0.5:
        day = min(max(0, int((when - story.t0) / DAY)), len(ORDINALS) - 1)
        st = dict(story.state(day, rng), outlet=outlet)
        title = reword(_fill(rng.choice(story.ev.head0 + story.ev.head1), st), rng, 0.5)
    return title, _paragraphs(out, rng)


def _new_story(index: int, start: float, w: World, rng: random.Random) -> _Story:
    ev = EVENTS[index % len(EVENTS)] if index < len(EVENTS) else rng.choice(EVENTS)
    p = w.place()
    p2 = rng.choice(w.places)
    t0 = BASE + DAY * start + HOUR * rng.uniform(-6, 6)
    t0 = max(BASE, t0).replace(microsecond=0)
    ctx = dict(p)
    ctx.update(place2=p2["place"], dist=rng.randint(4, 60), witness=w.person(),
               witness_age=rng.randint(19, 88),
               expert=w.person(),
               expert_role=rng.choice(EXPERT_ROLES).format(p=rng.choice(w.places)["place"]),
               weekday=WEEKDAYS[t0.weekday()], date=f"{t0.day} {MONTHS[t0.month - 1]}", year=t0.year,
               _month=t0.month - 1)
    ev.facts(rng, w, ctx)
    return _Story(index, ev, ctx, t0, rng.randint(1, 5))


_ENGLISH = _english()


def generate(n: int, seed: int = 7) -> tuple[list[dict], dict]:
    """``n`` articles (JSONL-ready dicts in publication order) and the gold copies, rewrites and stories."""
    rng = random.Random(seed)
    w = World(rng)
    # the first article of a story is never derived: raise the rate on the others so the stream holds ~5% each
    # (stories average 5 articles, 4 of which may be derived)
    p_copy, p_rewrite = COPY_RATE * 5 / 4, REWRITE_RATE * 5 / 4
    arts: list[dict] = []  # internal: when, outlet, title, paras, story, kind, src (index into arts)
    s_index = 0
    while len(arts) < n:
        story = _new_story(s_index, len(arts) / PER_DAY, w, rng)
        s_index += 1
        size = min(rng.randint(2, 8), n - len(arts))
        outlets = rng.sample(w.all_outlets, size)
        if rng.random() < 0.5 and not any(o in w.wires for o in outlets[:1]):
            wire = rng.choice(w.wires)
            if wire not in outlets:
                outlets[0] = wire
        span = story.days * 86400
        mine: list[int] = []
        for k in range(size):
            outlet = outlets[k]
            r = rng.random()
            originals = [i for i in mine if arts[i]["kind"] == "original"]
            kind = "original"
            if k and originals and r < p_copy + p_rewrite:
                kind = "copy" if r < p_copy else "rewrite"
            if kind == "original":
                when = story.t0 if k == 0 else story.t0 + dt.timedelta(seconds=rng.randrange(1800, span))
                title, paras = _original(story, when, outlet, outlet in w.wires, w.house[outlet], rng)
                src = None
            else:
                wires = [i for i in originals if arts[i]["outlet"] in w.wires]
                src = rng.choice(wires) if kind == "copy" and wires else rng.choice(originals)
                s_art = arts[src]
                when = s_art["when"] + dt.timedelta(seconds=rng.randrange(3600, 2 * 86400))
                ctx = dict(story.ctx)
                if kind == "copy":
                    title, paras = _copy(s_art["title"], s_art["paras"], ctx, s_art["outlet"], outlet, story,
                                         when, rng)
                else:
                    title, paras = _rewrite(s_art["title"], s_art["paras"], ctx, outlet, w.house[outlet],
                                            story,
                                            when, rng)
            arts.append({"when": when.replace(microsecond=0), "outlet": outlet, "title": title,
                         "paras": paras,
                         "story": story.key, "kind": kind, "src": src, "n": len(arts)})
            mine.append(len(arts) - 1)
    order = sorted(range(len(arts)), key=lambda i: (arts[i]["when"], i))
    width = max(6, len(str(n)))
    ids = [""] * len(arts)
    for rank, i in enumerate(order, start=1):
        ids[i] = f"syn{seed}-{rank:0{width}d}"
    records = []
    gold: dict = {"copies": [], "rewrites": [], "stories": {}}
    for i in order:
        a = arts[i]
        records.append({"id": ids[i], "outlet": a["outlet"],
                        "published": a["when"].strftime("%Y-%m-%dT%H:%M:%SZ"),
                        "title": a["title"], "text": _text(a["paras"])})
        gold["stories"].setdefault(a["story"], []).append(ids[i])
        if a["kind"] == "copy":
            gold["copies"].append((ids[a["src"]], ids[i]))
        elif a["kind"] == "rewrite":
            gold["rewrites"].append((ids[a["src"]], ids[i]))
    gold["stories"] = dict(sorted(gold["stories"].items()))
    return records, gold


def write(n: int, out: Path, seed: int = 7) -> tuple[Path, Path]:
    """Write ``out`` (JSONL) and ``out`` with .gold.json in place of .jsonl; returns both paths."""
    records, gold = generate(n, seed)
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    gold_path = gold_path_for(out)
    doc = {"copies": [list(p) for p in gold["copies"]], "rewrites": [list(p) for p in gold["rewrites"]],
           "stories": gold["stories"],
           "meta": {"n": n, "seed": seed, "version": VERSION, "per_day": PER_DAY,
                    "first": records[0]["published"] if records else None,
                    "last": records[-1]["published"] if records else None}}
    gold_path.write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
    return out, gold_path


def gold_path_for(out: Path) -> Path:
    name = out.name[:-len(".jsonl")] if out.name.endswith(".jsonl") else out.name
    return out.with_name(name + ".gold.json")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int, help="number of articles")
    ap.add_argument("out", type=Path, help="JSONL file to write (the gold answers go to OUT.gold.json)")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    if args.n < 1:
        ap.error("N must be at least 1")
    out, gold = write(args.n, args.out, args.seed)
    doc = json.loads(gold.read_text(encoding="utf-8"))
    print(f"{args.n} articles -> {out}; {len(doc['copies'])} copies, {len(doc['rewrites'])} rewrites, "
          f"{len(doc['stories'])} stories, {doc['meta']['first']} .. {doc['meta']['last']} -> {gold}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
