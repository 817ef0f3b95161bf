"""Invented articles and reader comments for the labelled comment set (written for storylens; see
make_comments.py). Each topic: a headline, a body, and comments that support, oppose or stay neutral toward the
article's subject (the proposal or decision the headline reports)."""

TOPICS = [
    {
        "id": "bridge-toll", "outlet": "Lowmere Courier",
        "title": "Council approves £2 toll on the Varden Bridge to fund repairs",
        "body": [
            "Lowmere council voted 27 to 14 on Tuesday to charge drivers £2 each way on the Varden Bridge from "
            "September, to pay for £38 million of repairs to the 1962 crossing.",
            "Engineers found corroded cables last spring, and a weight limit of 7.5 tonnes has applied since June. "
            "Council leader Maria Okafor said the toll would end once the repair loan was paid off, in about "
            "twelve years.",
            "Residents of the Varden estate will get a discount card, and buses and bicycles will cross free. "
            "Opposition councillor Tom Brannigan called the toll a tax on commuters and said the government "
            "should pay.",
        ],
        "support": [
            "Somebody has to pay for those cables and I would rather it be the people who use the bridge than every council tax payer.",
            "£2 is less than a coffee. If it keeps the bridge open for another sixty years, fine by me.",
            "Good to see buses and bikes go free. That is the right way round.",
            "The weight limit has already pushed lorries through the old town. Fixing the bridge properly is overdue.",
            "Okafor is right that it ends when the loan is paid. Twelve years is a reasonable horizon.",
            "I cross twice a day and I will happily pay if it means no more closures.",
            "The discount for the Varden estate answers the main objection. Sensible compromise.",
            "Better a toll than watching the crossing rot while everyone waits for Westminster.",
        ],
        "oppose": [
            "Another tax on people who have no other way to get to work. The bridge was paid for decades ago.",
            "£4 a day is £80 a month for me. That is not small change when you earn minimum wage.",
            "Brannigan is right, this should come from the national roads budget, not from commuters.",
            "Tolls never end. Watch it still being collected in 2050 with a new excuse.",
            "Traffic will pour through Millgate to avoid the toll. Nobody has modelled that.",
            "Why should a nurse driving in from Astley pay while the council wasted money on the new offices?",
            "Twenty seven councillors who mostly live on the right side of the river voted for this. Shameful.",
            "The repairs are needed but a toll is the laziest possible way to fund them.",
        ],
        "neutral": [
            "Does anyone know if the discount card covers people who rent on the estate or only owners?",
            "Will the toll be cash or only by plate recognition?",
            "What happens to the weight limit once the cables are replaced?",
            "Is there a date for the consultation on the discount scheme?",
            "How long are the works expected to take, and will the bridge close fully at any point?",
        ],
    },
    {
        "id": "school-phones", "outlet": "Eastfold Times",
        "title": "Eastfold schools to ban mobile phones for the whole school day",
        "body": [
            "All eleven secondary schools in Eastfold will require pupils to lock away their phones from the first "
            "bell to the last from January, the education trust announced on Monday.",
            "Pupils will place phones in pouches that open only at the gate. The trust said a pilot at Ridgeway "
            "Academy cut reported bullying incidents by a third and improved attention in lessons.",
            "Some parents have raised concerns about contacting children in an emergency; the trust said school "
            "offices would pass on urgent messages. The pouches cost £14 per pupil.",
        ],
        "support": [
            "About time. My daughter spends every break scrolling and comes home exhausted.",
            "A third fewer bullying reports at Ridgeway is a big result. Roll it out.",
            "Teachers have been asking for this for years. Lessons should be for learning.",
            "We managed emergencies before phones. The school office can pass a message on.",
            "£14 a pouch is cheap compared to what we lose in concentration.",
            "My son was at the Ridgeway pilot and he says break time is actually fun again.",
            "Good decision by the trust. Kids need a few hours a day away from the screen.",
            "I was sceptical but the pilot numbers convinced me. Worth trying everywhere.",
        ],
        "oppose": [
            "My son has diabetes and his glucose monitor runs through his phone. Locking it in a pouch is dangerous.",
            "Punishing every pupil because some can't behave is lazy policy.",
            "One pilot at one academy is not evidence. The trust is overselling this.",
            "Who pays the £14 when a pouch breaks? Parents, of course.",
            "Kids will just bring a second cheap phone. This solves nothing.",
            "In an emergency I want to reach my child directly, not wait for an office to pick up.",
            "Teach children to use phones responsibly instead of pretending they don't exist.",
            "The bullying just moves online after school. Banning phones in class doesn't touch that.",
        ],
        "neutral": [
            "Will sixth formers be included or only years seven to eleven?",
            "What happens on school trips, are phones allowed then?",
            "Did the Ridgeway pilot measure exam results as well as bullying?",
            "Are there exemptions for pupils who need phones for medical reasons?",
            "Is this the same pouch system that schools in Harlow use?",
        ],
    },
    {
        "id": "harbour-wind", "outlet": "Coastline Wire",
        "title": "Plans for 40-turbine wind farm off Penrock Head go to public inquiry",
        "body": [
            "A proposal to build 40 turbines eleven kilometres off Penrock Head will go to a public inquiry in "
            "March after the county's planning committee failed to reach a decision.",
            "Developer Northsea Breeze says the farm would power 180,000 homes and bring 300 construction jobs to "
            "Penrock harbour. Fishing associations fear the loss of crab grounds, and the tourism board has "
            "questioned the effect on sea views.",
            "The inquiry will be led by planning inspector Alan Whitcombe and is expected to last six weeks.",
        ],
        "support": [
            "180,000 homes powered from the sea off our own coast. This is exactly what we should be building.",
            "Penrock harbour needs the jobs. The last boatyard closed in 2019.",
            "Eleven kilometres out you will barely see them. The view argument is overblown.",
            "The crab grounds issue can be handled with exclusion zones, other farms have managed it.",
            "Cheaper, cleaner power and local work. I don't understand the delay.",
            "Good that it goes to an inquiry, I think the case for the farm will stand up to scrutiny.",
            "I have sailed past the Gunfleet turbines many times, they are quite beautiful.",
            "We can't keep saying yes to wind in principle and no to every actual wind farm.",
        ],
        "oppose": [
            "My family has fished those crab grounds for three generations. Forty turbines will finish us.",
            "The 300 jobs are construction jobs. In three years they are gone and the turbines stay.",
            "Northsea Breeze is a shell company with no track record. Who carries the risk?",
            "The Head is the one unspoilt view left on this coast. Put them somewhere else.",
            "Tourism brings more money into Penrock than this farm ever will.",
            "The committee couldn't decide because the plan is weak. The inquiry should throw it out.",
            "Nobody has explained where the cable comes ashore. That will tear up the dunes.",
            "Offshore wind sounds green until you see what the construction does to the seabed.",
        ],
        "neutral": [
            "Where can the public read the environmental statement before March?",
            "Will the inquiry sessions be held in Penrock or in the county town?",
            "How tall are the turbines, does anyone know?",
            "Has the developer said where the maintenance base would be?",
            "Can residents give evidence at the inquiry or only the official parties?",
        ],
    },
    {
        "id": "library-hours", "outlet": "Millbrook Gazette",
        "title": "Millbrook to cut library opening hours by a third to save £410,000",
        "body": [
            "Millbrook's six public libraries will open 30 hours a week instead of 45 from April under budget plans "
            "agreed by the cabinet on Thursday, saving £410,000 a year.",
            "Cabinet member for culture Priya Sandhu said no library would close and that self-service kiosks "
            "would extend access at Central and Eastgate. Unison said 19 posts would go.",
            "The Friends of Millbrook Libraries have started a petition, which had 2,300 signatures by Friday.",
        ],
        "support": [
            "Nobody wants cuts but keeping all six open with fewer hours beats closing two of them.",
            "Sandhu has found a way to save £410,000 without shutting a single branch. That is not nothing.",
            "Self-service kiosks work fine at Central already. Extending them is sensible.",
            "Most branches are empty on weekday mornings. Trimming those hours makes sense.",
            "The council has to balance the books somehow. This is one of the fairer options.",
            "Better fewer hours now than losing whole buildings in two years' time.",
            "I use Eastgate after work and those hours are protected. Reasonable plan.",
            "I'd rather see this than cuts to social care. Libraries are important but priorities are priorities.",
        ],
        "oppose": [
            "Nineteen jobs gone and they call it protecting libraries. Shameful.",
            "Kiosks can't help a pensioner fill in a benefits form. Staff can.",
            "My kids do homework at the Northgate branch because we have no quiet space at home. Cutting hours hurts them most.",
            "£410,000 is what the council spent on consultants last year. Find the money elsewhere.",
            "Fewer hours is how closure starts. Footfall drops, then they say nobody uses it.",
            "Signed the petition. Libraries are one of the last free warm places in this town.",
            "The cabinet decided this before any consultation. That is not how it should work.",
            "Cutting a third of the hours is a disgrace when reserves are at a record high.",
        ],
        "neutral": [
            "Which hours are being cut at the Northgate branch, mornings or evenings?",
            "Where can I sign the petition?",
            "Will the kiosks let you print as well as borrow?",
            "Is the mobile library affected too?",
            "When is the full budget published?",
        ],
    },
    {
        "id": "tram-extension", "outlet": "Northbank Herald",
        "title": "Tram line to Harrowgate airport gets go-ahead after ten-year wait",
        "body": [
            "The regional transport authority approved a 9.4-kilometre tram extension from Northbank station to "
            "Harrowgate airport on Wednesday, with construction to start next year and services from 2029.",
            "The £620 million line will have six stops, including the new hospital at Kelby. The authority says "
            "journey times to the airport will fall from 55 minutes by bus to 22 by tram.",
            "Critics, including the Kelby Residents' Association, say two years of roadworks will choke the Kelby "
            "Road corridor.",
        ],
        "support": [
            "Twenty two minutes to the airport instead of an hour on the bus. Finally.",
            "A stop at the new hospital is the best part. Patients and staff will use it every day.",
            "Ten years of talk and now something actually happens. Well done to the authority.",
            "Every city that built trams is glad it did. Two years of roadworks is a price worth paying.",
            "This will take thousands of cars off Kelby Road once it's running.",
            "I work at the airport and the night buses are hopeless. This changes everything for staff.",
            "Good investment. Connecting the airport properly brings business to the whole region.",
            "People complained about the first tram line too and now nobody would give it up.",
        ],
        "oppose": [
            "£620 million for six stops. The bus network is falling apart and they spend it on this.",
            "Kelby Road will be a car park for two years. Shops there won't survive it.",
            "2029 means 2032 in practice, and the budget will double by then.",
            "How many people actually fly from Harrowgate? This is a vanity project.",
            "The residents' association was ignored from the start. Consultation was a box ticking exercise.",
            "They should have upgraded the heavy rail link instead, it was cheaper and quicker.",
            "My business is on Kelby Road. Nobody from the authority has told us how we are supposed to trade through the works.",
            "A tram that stops running at midnight won't help airport shift workers at all.",
        ],
        "neutral": [
            "Will the tram take the existing bus lane on Kelby Road?",
            "What will a ticket to the airport cost?",
            "Is there a map of the six stops anywhere?",
            "How often will trams run in the evening?",
            "Who is building it, has the contract been awarded?",
        ],
    },
    {
        "id": "dog-beach", "outlet": "Saltby Post",
        "title": "Dogs banned from Saltby's main beach from May to September",
        "body": [
            "Dogs will be banned from the main beach at Saltby between 1 May and 30 September under an order "
            "approved by the town council, with fines of £100 for owners who break it.",
            "The council said complaints about dog fouling had doubled in two years and that the beach had lost "
            "its Blue Flag status last summer. The north beach beyond the lifeboat station stays open to dogs all "
            "year.",
            "Dog walkers' group Saltby Paws said the ban was heavy-handed and would hit the town's off-season "
            "visitors.",
        ],
        "support": [
            "I am tired of stepping round mess with my toddler. A summer ban is perfectly reasonable.",
            "We lost the Blue Flag. Something had to change.",
            "Dogs still have the whole north beach. That is a fair split.",
            "Responsible owners have nothing to worry about, they can walk past the lifeboat station.",
            "Most seaside towns have this rule already. Saltby is late to it.",
            "Good. Families on the main beach in August deserve a clean beach.",
            "The fines will only bite the few who ignore the rules. Fine by me.",
            "I own two dogs and I support it. The north beach is better for them anyway.",
        ],
        "oppose": [
            "Punishing every dog owner for the handful who don't pick up. Typical council.",
            "Half of Saltby's spring visitors come because it is dog friendly. The council is shooting itself in the foot.",
            "Enforce the fouling rules we already have instead of a blanket ban.",
            "The north beach is a long walk over rocks. Not possible for older dogs or older owners.",
            "£100 fines for walking a dog on a beach in May. Ridiculous.",
            "Saltby Paws offered to run volunteer patrols and was ignored.",
            "The Blue Flag was lost because of the sewage outflow, not dogs. This ban is a distraction.",
            "A ban from May is far too early. At least make it June to August.",
        ],
        "neutral": [
            "Does the ban cover the promenade as well or only the sand?",
            "Are assistance dogs exempt?",
            "Where exactly does the north beach start?",
            "Who will enforce the fines, council wardens?",
            "Is there a map of the dog-free zone?",
        ],
    },
    {
        "id": "market-hall", "outlet": "Brackwell Journal",
        "title": "Brackwell market hall to become food court after traders' lease ends",
        "body": [
            "Brackwell's Victorian market hall will be turned into a food court with 18 kitchens when the current "
            "traders' lease ends in June, under a deal between the council and developer Tessaract Leisure.",
            "The council says the hall lost £290,000 last year and that footfall has fallen by half since 2015. "
            "Existing traders have been offered units at a reduced rent for two years.",
            "Butcher Dennis Hale, who has traded in the hall for 31 years, said the offer was an insult.",
        ],
        "support": [
            "The hall has been half empty for years. A food court will bring people back into the centre.",
            "Losing £290,000 a year on a building nobody visits is not sustainable.",
            "Other towns have done this and their halls are packed on Friday nights.",
            "Reduced rent for two years is a fair offer to the traders who want to stay.",
            "The building is saved and reused. That is the important thing.",
            "I'd go into town far more often for street food than for another phone case stall.",
            "Tessaract did the Corn Exchange in Hollin and it has been a success.",
            "Footfall halved since 2015, doing nothing is the worst option.",
        ],
        "oppose": [
            "Dennis Hale has served this town for 31 years and this is how he is treated.",
            "We don't need another food court, we need a market where you can buy actual groceries.",
            "Two years of reduced rent and then what? Priced out, like everywhere else.",
            "The council ran the hall into the ground and now sells it off to a developer.",
            "Food courts come and go. In five years it will be empty again, and the traders will be gone for good.",
            "The deal with Tessaract was done behind closed doors. Where are the figures?",
            "Older people relied on the market for cheap fresh food. They are the losers here.",
            "Insult is the right word for that offer. Shame on the council.",
        ],
        "neutral": [
            "Will the hall stay open during the conversion?",
            "Is the building listed, and does that limit what can change?",
            "How many of the current traders have accepted the offer?",
            "When do the first kitchens open?",
            "Does the deal include the car park behind the hall?",
        ],
    },
    {
        "id": "speed-limit", "outlet": "Ferncombe Echo",
        "title": "20mph limit to cover all residential streets in Ferncombe",
        "body": [
            "Every residential street in Ferncombe will have a 20mph limit by the end of the year after the county "
            "council approved a £1.2 million scheme on Monday.",
            "Main roads including the A418 and Station Road stay at 30mph. The council cited 46 pedestrian "
            "injuries on residential streets in the past three years.",
            "Cabinet member for highways Gareth Lowe said the limit would be enforced with signs and occasional "
            "police checks rather than new cameras.",
        ],
        "support": [
            "Forty six pedestrians hurt in three years on streets where kids play. 20mph is the least we can do.",
            "I live on Orchard Lane and cars fly down it. This can't come soon enough.",
            "Main roads stay at 30, so through traffic isn't slowed. Sensible balance.",
            "Every study shows survival rates at 20 are far higher than at 30. Good decision.",
            "Wales did it and the sky didn't fall. Well done Ferncombe.",
            "Quieter, safer streets for a few seconds on each journey. Easy choice.",
            "As a cyclist I welcome this. Residential roads should feel safe to ride on.",
            "Lowe is right not to go for cameras. Most people will follow the signs.",
        ],
        "oppose": [
            "£1.2 million on signs while the potholes on Station Road get worse every month.",
            "Without cameras nobody will stick to 20. Money wasted.",
            "Blanket limits are lazy. Put 20 outside schools and leave the rest alone.",
            "Driving at 20 in second gear burns more fuel. This is not the green measure they claim.",
            "The 46 injuries figure includes the A418, which isn't even covered. Misleading.",
            "Another anti-driver policy from a council that never asks residents.",
            "My commute will take longer and buses will be even later than they are.",
            "Police can't even attend burglaries. Who is going to enforce a 20 limit?",
        ],
        "neutral": [
            "Is there a list of which streets count as residential?",
            "When will the new signs go up?",
            "Does this include the new estate off Mill Road?",
            "Will the bus timetables be changed?",
            "Was there a consultation, and where are the results?",
        ],
    },
]

# Stock comments that could sit under any article (not the analysis exemplars; written separately).
GENERIC = [
    "Brilliant read, thank you so much for posting this!", "Couldn't agree more, spot on.",
    "This is why I read this site every day.", "Amazing content as always.", "100% this.",
    "So well said, thanks for writing it.", "Interesting stuff, keep it coming.",
    "Total rubbish from start to finish.", "Typical lazy journalism.", "What a load of nonsense.",
    "Nobody believes this garbage any more.", "Clowns, the lot of them.", "Lol you can't make this up.",
    "Wow just wow.", "Sad times we live in.", "Share this everywhere!",
    "Thanks for the update, very helpful.", "Great post, really enjoyed it.",
]

# Campaign messages posted by several accounts with small edits; some under more than one article.
CAMPAIGNS = [
    "Enough is enough! The council has ignored residents for years. Vote them out in May #ChangeNow",
    "This decision was made by people who don't live here. Local voices must come first. Sign the pledge today!",
    "Proud of our council for standing up and getting things done. More of this please! #ForwardTogether",
    "Residents deserve better than this. Contact your councillor today and tell them no. #NotInOurName",
]
