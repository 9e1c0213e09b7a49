"""The demo's sections and articles: an independent magazine about public policy.

Everything here is invented for the demo: the people, the places (left unnamed on purpose),
the figures and the publications quoted. Links point at reserved example domains.
Publication times are relative to the moment the demo is loaded, so the site always looks
current: ``days_ago`` counts back from today, a negative value schedules the article.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class SectionSpec:
    name: str
    description: str
    position: int


@dataclass(frozen=True)
class ArticleSpec:
    """One demo article. ``bylines`` are (author key, byline role) pairs in print order."""

    headline: str
    dek: str
    section: str
    body: str
    tags: tuple[str, ...]
    bylines: tuple[tuple[str, str], ...]
    state: str = "live"  # live, scheduled, draft or review
    days_ago: int | None = None
    hour: int = 9
    updated_days_after: int | None = None
    motif: str | None = None
    caption: str = ""
    excerpt: str = ""
    source_name: str = ""
    source_url: str = ""


SECTIONS: tuple[SectionSpec, ...] = (
    SectionSpec(
        "Articles",
        "Long-form reporting and analysis: how policy is made, what it costs and who it reaches.",
        1,
    ),
    SectionSpec(
        "Opinion",
        "Arguments from our editors and guest writers. Opinion pieces are signed and "
        "speak for their authors.",
        2,
    ),
    SectionSpec(
        "News",
        "Short, sourced reports on decisions, data releases and votes as they happen.",
        3,
    ),
)


ARTICLES: tuple[ArticleSpec, ...] = (
    ArticleSpec(
        headline="The quiet arithmetic of empty homes",
        dek="Thousands of flats stand vacant while waiting lists grow. The reasons are duller, "
        "and more fixable, than either side of the argument admits.",
        section="Articles",
        bylines=(("daniel", "by"), ("priya", "by")),
        tags=("housing", "data", "local government"),
        days_ago=2,
        hour=7,
        motif="blocks",
        caption="Empty homes are rarely empty for one reason: most wait on paperwork, "
        "repairs or probate.",
        body="""
<p>Walk down almost any street in the city and you will pass a home that nobody lives in.
The curtains are drawn or missing, the post has piled up, and the neighbours have a theory.
The council's own register counts a little over four thousand such homes that have stood
empty for more than six months.</p>
<p>For years the number has been a weapon in the housing debate. One side points to it as
proof that there is no real shortage, only hoarding. The other waves it away as a rounding
error in a city of half a million households. We spent three months going through the
register, address by address, to find out what the homes actually are.</p>
<h2>What the register shows</h2>
<p>Most of the long-term empty homes are not investments waiting for prices to rise. They
are stuck. Our analysis of the register, matched against planning and probate records,
sorted them into a handful of groups:</p>
<ul>
<li>homes tied up in probate, often for more than a year;</li>
<li>flats above shops, where the only entrance runs through the business below;</li>
<li>council and housing association properties waiting for repairs between tenants;</li>
<li>homes whose owners have moved into care and cannot decide, or cannot afford, to sell.</li>
</ul>
<p>Only a small share, around one in ten, belonged to companies or to people who own more
than three properties in the city.</p>
<blockquote><p>Every empty home has a file, and every file has a reason in it. Usually the reason
is a form that nobody has had time to chase.</p></blockquote>
<p>That was how one housing officer, who asked not to be named because she is not
authorised to speak to the press, described her caseload. Her team of three handles the
whole register.</p>
<h2>What would move them</h2>
<p>The fixes are not glamorous: faster probate for small estates, grants for separate
entrances to flats above shops, and enough repair crews that a council flat does not sit
empty for five months between tenants. Our full address-level dataset, with personal
details removed, is <a href="https://data.example.org/empty-homes">published alongside this
article</a> so that readers can check our groupings for their own streets.</p>
""",
    ),
    ArticleSpec(
        headline="Council delays vote on bus lane network after late objections",
        dek="Councillors postponed the decision by six weeks to consider more than 900 "
        "submissions received in the final days of the consultation.",
        section="News",
        bylines=(("priya", "by"), ("daniel", "reported_by")),
        tags=("transport", "local government"),
        days_ago=3,
        hour=17,
        motif="bands",
        body="""
<p>The city council has postponed a vote on a network of new bus lanes after receiving a
late wave of objections, most of them from businesses along the two busiest corridors.</p>
<p>The transport committee had been expected to approve the plan on Tuesday evening. Instead
it voted to defer the decision until its next meeting, six weeks from now, so that officers
can summarise more than 900 submissions that arrived in the last five days of the public
consultation.</p>
<p>The proposal would add about eleven kilometres of bus lanes, operating at peak hours only,
and remove roughly 240 on-street parking spaces. Officers estimate it would cut average
journey times on the affected routes by between four and seven minutes.</p>
<blockquote><p>We want to get this right rather than get it done. Six weeks is not a long time
in the life of a road.</p></blockquote>
<p>That was the committee chair's explanation to the meeting. Opposition councillors said the
delay risked losing a regional transport grant that must be committed before the end of the
financial year. Officers told the committee the grant deadline could still be met if the plan
is approved at the next meeting.</p>
<p>The consultation responses will be published on the council's
<a href="https://council.example.org/consultations/bus-lanes">consultation page</a> before
the vote.</p>
""",
    ),
    ArticleSpec(
        headline="Stop treating maintenance as a failure of imagination",
        dek="Public budgets reward ribbon-cutting. Keeping what we already own in working order "
        "deserves the same political glory.",
        section="Opinion",
        bylines=(("mara", "by"),),
        tags=("infrastructure", "budgets"),
        days_ago=5,
        hour=8,
        motif="circles",
        body="""
<p>There is a kind of announcement every politician loves: a new bridge, a new school, a new
swimming pool with a shovel and a photographer. There is another kind nobody makes: the
announcement that the old bridge has been repainted, the school's boiler replaced and the
pool's filters cleaned on schedule.</p>
<p>The first kind wins elections. The second kind keeps the first kind open. Yet when budgets
tighten, it is almost always maintenance that goes first, because nobody cuts a ribbon for a
gutter.</p>
<h2>The cost of waiting</h2>
<p>Deferred maintenance is not a saving. It is a loan taken out against the future at a
punishing rate of interest. A roof left unrepaired for three winters does not cost three
times as much to fix; it can cost ten times as much, once the water has reached the
joists.</p>
<p>Every council and public body should publish a simple figure each year: the estimated
cost of the repairs it has put off. Call it the maintenance backlog, and report it with the
same prominence as the headline budget.</p>
<blockquote><p>A budget that hides its backlog is not balanced. It has only moved the
bill.</p></blockquote>
<p>None of this is exciting, and that is the point. The best public services are the ones
you never have to think about. The people who keep them that way deserve better than to be
the first line in every list of cuts.</p>
""",
    ),
    ArticleSpec(
        headline="Inside the queue: why clean power projects wait years to connect",
        dek="Wind and solar farms are ready to build, but the line to plug them into the grid "
        "now stretches past the end of the decade.",
        section="Articles",
        bylines=(("jonas", "by"),),
        tags=("energy", "climate", "infrastructure"),
        days_ago=8,
        hour=6,
        updated_days_after=1,
        motif="rings",
        caption="Grid connection requests now outnumber the capacity the network can take on "
        "by several times over.",
        body="""
<p>The solar farm on the hill above the reservoir has planning permission, a landowner who
wants it, investors who have signed and a construction crew that could start next month. What
it does not have is a date to connect to the grid. The earliest slot the network operator can
offer is seven years away.</p>
<p>It is not alone. Across the region, projects with a combined capacity several times larger
than today's peak demand are waiting in the connection queue. Many of them will never be
built, and that is part of the problem.</p>
<h2>A first-come, first-served line</h2>
<p>For decades the rule was simple: apply for a connection, pay a modest deposit and take your
place in line. That worked when a handful of large power stations applied each decade. It
works badly when thousands of speculative applications arrive at once, because a project that
may never happen can hold a place ahead of one that is ready to build.</p>
<p>The operator's engineers must study each application in order, and every study assumes the
projects ahead of it are real. When one drops out, the studies behind it can need
redoing.</p>
<blockquote><p>We are modelling a grid full of ghosts. Half the time we are reinforcing the
network for projects that will never turn a turbine.</p></blockquote>
<p>That is how one network planner put it to us. New rules that took effect this year let the
operator move projects that can show land rights and planning permission ahead of those that
cannot. Developers have been given deadlines to prove they are real or lose their place.</p>
<h2>What would help</h2>
<ol>
<li>Publishing the queue, project by project, so that councils and investors can see where
capacity is likely to free up.</li>
<li>Planning grid reinforcements ahead of demand rather than waiting for each
application.</li>
<li>Letting projects share connections, so a solar farm and a battery on the same site do not
need two separate studies.</li>
</ol>
<p>The operator has begun publishing a summary of its queue on its
<a href="https://grid-operator.example.com/connections">connections page</a>.</p>
<p><em>Update: this article was updated the day after publication to add the operator's
explanation of its new queue rules.</em></p>
""",
    ),
    ArticleSpec(
        headline="The river remembers what the map forgets",
        dek="Flood maps are drawn from the past. The towns that use them need to plan for a "
        "river that is already behaving differently.",
        section="Opinion",
        bylines=(("rosa", "by"), ("amelie", "translated_by")),
        tags=("water", "climate"),
        days_ago=10,
        hour=10,
        motif="bands",
        body="""
<p>When I visit a town to talk about flooding, I usually begin by asking to see the oldest
map the council has. It is almost never the official flood map. It is a hand-drawn survey, or
a parish plan, or a photograph of a sketch someone's grandfather made after the last great
flood. These old drawings often show something the modern maps have lost: where the water
actually went.</p>
<p>Official flood maps are careful pieces of work. They are also, by design, built on records
of what rivers have done before. In many valleys those records are no longer a reliable guide
to what the river will do next.</p>
<h2>Planning for a different river</h2>
<p>Rainfall arrives in heavier bursts than it did. Fields that once soaked up water are
drained or paved. Rivers that were straightened a century ago now move faster than their
banks were built for. The flood that the map calls a once-in-a-hundred-years event may now
come far more often.</p>
<blockquote><p>The river has no interest in our boundaries. It follows the land, and the land
remembers where the water used to run.</p></blockquote>
<p>I am not arguing for throwing the maps away. I am arguing for reading them alongside the
old drawings, the memories of long-time residents and the simple evidence of where the
puddles form after a storm. Towns that have done this have found places to build and places
to leave alone that the official maps did not reveal.</p>
<p>Planning with humility is cheaper than rebuilding with regret.</p>
""",
    ),
    ArticleSpec(
        headline="Regional health board publishes waiting-time data for the first time",
        dek="The figures, broken down by hospital and specialty, show waits for routine "
        "operations ranging from six weeks to more than a year.",
        section="News",
        bylines=(("priya", "by"),),
        tags=("public health", "data"),
        days_ago=12,
        hour=11,
        motif="blocks",
        body="""
<p>The regional health board has published detailed waiting-time figures for planned
treatment for the first time, following a long-running request from patient groups and from
this magazine.</p>
<p>The data covers the past twelve months and is broken down by hospital and by specialty.
It shows the median wait for a routine hip replacement ranging from seven weeks at one
hospital to fifty-four weeks at another, less than forty kilometres away.</p>
<p>The board said the differences largely reflected the number of operating theatres and
specialist staff at each site, and that patients could ask to be treated at a hospital with
a shorter wait.</p>
<ul>
<li>Median wait across all specialties: 19 weeks.</li>
<li>Longest median wait: orthopaedics, 31 weeks.</li>
<li>Shortest median wait: ophthalmology, 9 weeks.</li>
</ul>
<p>The board will update the figures every quarter. The full tables are available on its
<a href="https://health-board.example.org/waiting-times">statistics page</a>, and our own
cleaned copy of the data, with a note on how we checked it, is linked from our data
desk.</p>
""",
    ),
    ArticleSpec(
        headline="What a small port town learned from its flood insurance bill",
        dek="When premiums tripled in three years, a harbour town did its own risk survey, and "
        "found cheaper ways to stay dry.",
        section="Articles",
        bylines=(("rosa", "by"),),
        tags=("water", "climate", "budgets"),
        days_ago=15,
        hour=9,
        motif="circles",
        source_name="The Harbour Review",
        source_url="https://harbourreview.example.org/2025/flood-insurance-port-town",
        caption="This article first appeared in The Harbour Review and is republished with "
        "permission.",
        body="""
<p>The letters arrived in the same week. Almost every shop along the quay had its flood
insurance renewal quote in the post, and almost every quote had tripled in three years. A
few businesses were told they would not be covered at all.</p>
<p>What happened next is a small lesson in how a community can take back a decision that
seemed to belong to someone else.</p>
<h2>Measuring the risk themselves</h2>
<p>The town's business association hired a surveyor to walk the quay with a laser level and
record the height of every doorway, air brick and electrical socket. Volunteers photographed
every building after each high tide for a winter.</p>
<p>The survey showed that most of the flooding came through a handful of gaps: two old
slipways, a drain that backed up at high tide and a low stretch of wall where the capping
stones had been removed decades ago.</p>
<blockquote><p>We had been paying to insure against the whole sea, when really we needed to
fix four holes in a wall.</p></blockquote>
<p>Fixing those gaps cost less than a single year's increase in premiums across the quay.
With the survey and the repairs documented, several insurers offered new quotes at close to
the old prices.</p>
<p>Not every town has a quay that can be sealed with a few thousand tonnes of stone. But
every town can measure its own risk rather than accept someone else's estimate of it.</p>
""",
    ),
    ArticleSpec(
        headline="School meals pilot extended to twelve more districts",
        dek="Free breakfast and lunch for every pupil in the pilot schools will continue for two "
        "more years after attendance rose and late arrivals fell.",
        section="News",
        bylines=(("priya", "by"),),
        tags=("education", "public health", "budgets"),
        days_ago=18,
        hour=14,
        motif="rings",
        body="""
<p>A pilot that provides free breakfast and lunch to every pupil in selected primary schools
will be extended to twelve more districts from next term, the education department said on
Thursday.</p>
<p>The original pilot, in twenty schools, recorded a rise in attendance of just over two
percentage points and a sharp fall in late arrivals, according to an evaluation published
alongside the announcement.</p>
<p>The extension will cost an estimated 14 million a year. Officials said part of the cost
would be offset by simpler administration, because schools no longer need to check which
families qualify for free meals.</p>
<p>Headteachers in the pilot schools said the change had also removed a visible difference
between pupils in the dinner queue. The evaluation report is published on the
<a href="https://education.example.org/school-meals-evaluation">department's
website</a>.</p>
""",
    ),
    ArticleSpec(
        headline="The library that became a job centre, a clinic and a cooling room",
        dek="Branch libraries are quietly absorbing services that have left the high street. "
        "Their budgets have not kept up.",
        section="Articles",
        bylines=(("amelie", "by"),),
        tags=("local government", "public health", "climate"),
        days_ago=22,
        hour=7,
        motif="blocks",
        body="""
<p>On a Tuesday morning the branch library on the corner of the market square opens at nine.
By ten past, there is a queue for the two computers reserved for job applications, a nurse
is setting up a blood-pressure clinic in the children's corner, and a volunteer is helping a
man fill in a form to renew his bus pass.</p>
<p>None of this appears in the library's official description. On paper it lends books.</p>
<h2>Everything that left</h2>
<p>Over the past decade the neighbourhood has lost its bank branch, its advice centre and,
most recently, its post office counter. Each time, some of the people who used those
services found their way to the library, because it was warm, free and staffed by people
who would try to help.</p>
<p>The librarians we spoke to listed the things they now do in a typical week:</p>
<ul>
<li>helping people apply for benefits and jobs online;</li>
<li>hosting a weekly health check run by the local surgery;</li>
<li>printing boarding passes, tax forms and court papers;</li>
<li>opening as a cooling room on the hottest summer afternoons.</li>
</ul>
<blockquote><p>We are the last public building on the street with the door open. So everything
comes through it.</p></blockquote>
<p>The library's budget, meanwhile, has been flat for eight years, which means it has fallen
sharply once inflation is taken into account. Opening hours have been cut twice.</p>
<p>Several councils are now experimenting with giving libraries a share of the budgets of the
services they have absorbed. It is a modest idea, and an overdue one.</p>
""",
    ),
    ArticleSpec(
        headline="Public data should come with a phone number",
        dek="Open data portals are full of spreadsheets nobody can explain. Every published "
        "dataset needs a named person who can answer questions about it.",
        section="Opinion",
        bylines=(("priya", "by"),),
        tags=("data", "local government"),
        days_ago=26,
        hour=8,
        motif="circles",
        body="""
<p>I spend a lot of my working life downloading spreadsheets from public bodies. Most of
them are useful. Many of them are puzzling. A column labelled "adj. total", a row that
appears twice, a year in which every figure suddenly doubles.</p>
<p>When I find something like that, I want to ask someone. Usually there is no one to ask.
The dataset arrived on the portal with a licence and a publication date, and the person who
made it has moved on.</p>
<h2>A simple rule</h2>
<p>Every dataset a public body publishes should name a team, with a way to reach it, that
will answer questions about the data for as long as it is online. Not a general enquiries
inbox: a team that knows what "adj. total" means.</p>
<blockquote><p>Publishing a number without anyone to explain it is like leaving a letter on
the doorstep and moving house.</p></blockquote>
<p>This would make open data slower to publish, at least at first. It would also make it
far more likely to be used, and far less likely to be misread. That is a trade worth
making.</p>
""",
    ),
    ArticleSpec(
        headline="Grid operator warns of tight winter margins but rules out rationing",
        dek="The operator's winter outlook expects enough supply, with less spare capacity on "
        "cold, still evenings than last year.",
        section="News",
        bylines=(("jonas", "by"),),
        tags=("energy",),
        days_ago=30,
        hour=12,
        motif="bands",
        body="""
<p>The national grid operator expects to have enough electricity supply this winter, but
with a thinner safety margin than last year, according to its annual winter outlook
published on Monday.</p>
<p>The operator said the margin would be tightest on cold, still evenings in January, when
demand for heating is high and wind generation is low. It ruled out any need for planned
power cuts under its central scenario.</p>
<p>Two older gas-fired power stations closed during the summer, and new battery storage
sites have not fully replaced their capacity at peak times, the outlook said.</p>
<p>The operator will again run a scheme paying households and businesses to shift
electricity use away from the early-evening peak on days when supply is tight. Details are
on the <a href="https://grid-operator.example.com/winter-outlook">operator's
website</a>.</p>
""",
    ),
    ArticleSpec(
        headline="Who fixes the lift? The slow crisis in ageing tower blocks",
        dek="Residents of high-rise estates are spending weeks trapped on upper floors while "
        "landlords, contractors and insurers argue about repairs.",
        section="Articles",
        bylines=(("daniel", "by"),),
        tags=("housing", "infrastructure"),
        days_ago=37,
        hour=6,
        motif="rings",
        body="""
<p>For eleven weeks last winter, the only lift in a fourteen-storey block on the eastern
edge of the city did not work. A woman on the twelfth floor, who uses a wheelchair, did not
leave her flat for most of that time. Her neighbours carried her shopping up the stairs.</p>
<p>Her story is not unusual. Many of the city's tower blocks were built in a short burst
several decades ago, and their lifts, pumps and heating systems are reaching the end of
their lives at the same time.</p>
<h2>A chain of responsibility</h2>
<p>When a lift breaks down, the repair can pass through several hands: the landlord, a
managing agent, a maintenance contractor, a specialist parts supplier and, if the breakdown
is serious, an insurer. Each link in that chain has its own timetable.</p>
<p>Residents we spoke to described being told the same lift was waiting for a part, an
inspection, an insurance assessment and a quote, in that order, over two months.</p>
<blockquote><p>Nobody was lying to us. Everybody was waiting for somebody else.</p></blockquote>
<h2>What residents are asking for</h2>
<ul>
<li>A legal maximum time to restore lift service in buildings above six storeys.</li>
<li>A second lift, or a temporary stair-climber service, when repairs will take more than a
week.</li>
<li>A published record of breakdowns for every block, so that patterns are visible.</li>
</ul>
<p>The housing department says it is consulting on new standards for high-rise
maintenance and expects to publish proposals next year.</p>
""",
    ),
    ArticleSpec(
        headline="In defence of the boring budget meeting",
        dek="The most important decisions in local government are made in meetings nobody "
        "watches. More of us should.",
        section="Opinion",
        bylines=(("mara", "by"),),
        tags=("budgets", "local government"),
        days_ago=44,
        hour=8,
        motif="blocks",
        body="""
<p>The budget scrutiny committee met last month in a room with forty chairs. Six were
taken: four by councillors' assistants, one by a retired accountant who comes to every
meeting, and one by our reporter.</p>
<p>In three hours, that committee approved spending plans worth more than every headline
policy announced at the last election put together. Nobody filmed it. The minutes will be
published in a few weeks.</p>
<h2>Where the real choices are made</h2>
<p>Budgets are where promises turn into decisions. The speeches come earlier; the trade-offs
come here, in line items and footnotes. Which service gets its inflation uplift and which
does not. Which reserve is drawn down. Which consultation quietly closes.</p>
<blockquote><p>If you want to know what a council believes, do not read its strategy. Read
its budget.</p></blockquote>
<p>Most of these meetings are open to the public and many are streamed. You do not need to
understand every table to notice when a number moves. And the councillors in the room
behave differently, and better, when they know someone is watching.</p>
<p>Go to one. Bring a flask. It will be the most useful boring afternoon of your year.</p>
""",
    ),
    ArticleSpec(
        headline="Rail fares review promises simpler tickets by next spring",
        dek="The transport ministry will cut the number of ticket types and cap the price of "
        "single fares at half the return.",
        section="News",
        bylines=(("priya", "by"), ("jonas", "by")),
        tags=("transport",),
        days_ago=51,
        hour=10,
        motif="circles",
        body="""
<p>Rail passengers will be able to buy simpler tickets from next spring, the transport
ministry said on Wednesday, after a review of a fares system that it described as "too
complicated for anyone to trust".</p>
<p>Under the changes, a single fare will never cost more than half the price of the
matching return, and the number of distinct ticket types on most routes will be cut from
more than a dozen to four.</p>
<p>The ministry said the changes were designed to cost the same overall, with some fares
rising slightly and others falling. Passenger groups welcomed the simplification but asked
for a guarantee that no regular commuter would pay more.</p>
<p>The review's findings are published on the
<a href="https://transport.example.org/fares-review">ministry's website</a>.</p>
""",
    ),
    ArticleSpec(
        headline="Heat plans without the heat: cities test cheap ways to keep cool",
        dek="Shade, water and open doors: the most effective measures against summer heat are "
        "often the least expensive.",
        section="Articles",
        bylines=(("jonas", "by"), ("amelie", "by")),
        tags=("climate", "public health"),
        days_ago=58,
        hour=7,
        motif="bands",
        body="""
<p>The city's first heat plan was a thick document with a long list of ambitions: green
roofs, new parks, district cooling networks. Most of them will take years. Last summer,
while those projects waited for funding, a small team in the public health department tried
something quicker.</p>
<p>They mapped the places where older residents spent hot afternoons and asked what would
make those places cooler within a month, for very little money.</p>
<h2>The quick list</h2>
<ul>
<li>Shade sails over bus stops on the sunniest streets.</li>
<li>Drinking fountains switched back on in parks and squares.</li>
<li>Libraries and community centres opening as cooling rooms, with extended hours on the
hottest days.</li>
<li>A telephone rota of volunteers calling people who live alone.</li>
</ul>
<p>The measures cost less than a single new playground. Emergency calls for heat-related
illness among older residents fell during the hottest week compared with a similar week the
previous year, although the team cautions that one summer is not enough to prove
anything.</p>
<blockquote><p>We did not cool the city. We made it easier to find somewhere cool, and that
turns out to matter a great deal.</p></blockquote>
<p>Other cities have asked for the team's checklist, which it has
<a href="https://publichealth.example.org/heat-checklist">published online</a>. The longer
projects in the heat plan are still needed, and still waiting.</p>
""",
    ),
    ArticleSpec(
        headline="Water regulator to publish leakage league table",
        dek="Every water company's leakage rate will be ranked and published each year, "
        "starting this autumn.",
        section="News",
        bylines=(("priya", "by"),),
        tags=("water", "data"),
        state="scheduled",
        days_ago=-3,
        hour=7,
        motif="rings",
        body="""
<p>The water regulator will publish an annual league table ranking every water company by
how much water leaks from its pipes, it said on Friday.</p>
<p>The first table, due this autumn, will show leakage per kilometre of main and per
property served, so that large and small companies can be compared fairly.</p>
<p>Companies that fall in the bottom quarter for two years running will have to publish a
recovery plan. Consumer groups welcomed the move and asked for the figures to be audited
independently.</p>
<p>The regulator's announcement is on its
<a href="https://water-regulator.example.org/leakage">website</a>.</p>
""",
    ),
    ArticleSpec(
        headline="Notes toward a fairer parking policy",
        dek="Free parking is never free. Someone pays for it, and it is usually someone who "
        "does not drive.",
        section="Opinion",
        bylines=(("daniel", "by"),),
        tags=("transport", "local government"),
        state="draft",
        motif="blocks",
        body="""
<p>Every parking space in the city takes up about twelve square metres of land that could
be something else: a wider pavement, a bench, a bicycle rack, a tree.</p>
<p>[Draft: add the council figures on kerb space per ward once the data desk has them.]</p>
<p>That does not mean every space should go. It means we should stop pretending that the
price of a parking permit has anything to do with the value of the land it uses.</p>
<p>[Draft: conclusion to follow after the committee meeting.]</p>
""",
    ),
    ArticleSpec(
        headline="The apprentices who keep the trams running",
        dek="A shortage of maintenance engineers threatened the tram network. A two-year "
        "apprenticeship is starting to close the gap.",
        section="Articles",
        bylines=(("amelie", "by"), ("daniel", "reported_by")),
        tags=("labour", "transport"),
        state="review",
        motif="circles",
        body="""
<p>At half past five in the morning, before the first tram leaves the depot, a team of
apprentices is already walking the track with torches, checking every joint and switch
between the depot gate and the first stop.</p>
<p>Two years ago the tram operator had more vacancies for maintenance engineers than it
had engineers under forty. Half of its experienced staff were due to retire within a
decade.</p>
<h2>Learning on the track</h2>
<p>The apprenticeship pays a full wage from the first day, combines college study with work
in the depot, and pairs every apprentice with an engineer close to retirement.</p>
<blockquote><p>I have been doing this for thirty-one years. I would like someone to know what
I know before I go.</p></blockquote>
<p>The first group of apprentices will qualify next spring. The operator says it will double
the intake next year if funding is confirmed.</p>
""",
    ),
)
