"""What the demo's mentoring history is made of: how each kind of match goes (its "story"), and what people
talk about, write and aim for, per kind of program. Plain data; demo/sessions/history.py puts it together."""

from __future__ import annotations

from programs.models import Program

# --- The shape of the history ----------------------------------------------------------------------------

SEED = 505  # of the random generator: the same history every time (but for today's date)
# Program name -> how many days ago it started.
PROGRAMS = {"Grow Together": 182, "Digital Reverse Mentoring": 176, "Leadership Circles": 169}
THRIVING, STEADY, QUIET, STALLED, ENDED = "thriving", "steady", "quiet", "stalled", "ended"
OUTCOMES = {  # (held, cancelled, missed) shares per story
    THRIVING: (0.9, 0.06, 0.04),
    STEADY: (0.76, 0.15, 0.09),
    QUIET: (0.7, 0.18, 0.12),
    STALLED: (0.66, 0.2, 0.14),
    ENDED: (0.62, 0.22, 0.16),
}
RATINGS = {THRIVING: {5: 55, 4: 37, 3: 8}, STEADY: {5: 25, 4: 45, 3: 25, 2: 5}}
LOW_RATINGS = {5: 8, 4: 32, 3: 38, 2: 16, 1: 6}

# --- What people talk about and write ---------------------------------------------------------------------

# Keyed by Program.Kind (a str): looked up with a program's kind.
TOPICS: dict[str, list[str]] = {
    Program.Kind.ONE_ON_ONE: [
        "Career growth", "Confidence", "Networking", "Giving feedback", "Imposter syndrome", "Work-life balance",
        "Technical skills", "Stakeholder management", "Promotion readiness", "Leadership", "Public speaking",
        "Sustainability", "AI tools",
    ],
    Program.Kind.REVERSE: [
        "AI tools", "Social media", "Hybrid work", "Digital collaboration", "Data literacy", "Inclusion",
        "Generational perspectives", "Sustainability", "Giving feedback",
    ],
    Program.Kind.GROUP: [
        "Leadership", "Giving feedback", "Imposter syndrome", "Leading former peers", "Difficult conversations",
        "Delegation", "Work-life balance", "Inclusion", "Confidence",
    ],
}  # fmt: skip
KICKOFF: dict[str, str] = {
    Program.Kind.ONE_ON_ONE: "Kick-off: {b} told {a} about their first years here and what a good six months would "
    "look like. We agreed to meet every other week and keep notes here.\nNext: {b} drafts two goals; {a} shares "
    "the career framework they use with their team.",
    Program.Kind.REVERSE: "Kick-off: {b} wants to use AI tools with confidence and understand how new joiners "
    "work. {a} suggested starting small, with meeting summaries.\nNext: {b} tries a summariser on two meetings.",
    Program.Kind.GROUP: "Circle kick-off: introductions, what each of us wants from the circle, and ground rules "
    "(what is said here stays here).\nNext: everyone brings one real situation to work on.",
}
NOTES: dict[str, list[str]] = {
    Program.Kind.ONE_ON_ONE: [
        "Walked through the stakeholder map for the billing migration. {b} will try a one-to-one with the "
        "product lead before the next review.\nNext: bring a one-page summary.",
        "Practised the first two minutes of Thursday's update out loud. Lead with the decision you need, then "
        "the detail.\nNext: {b} presents; we debrief next time.",
        "Talked about feeling like the least experienced person in the room. {a} shared how they prepared for "
        "their first leadership review.\nNext: {b} writes down three things they know better than anyone there.",
        "Read the next-level expectations together: {b} already does most of the scope items but does not write "
        "them down.\nNext: start an impact log, one line a week.",
        "{b} had coffee with two people from Product. {a} suggested the Sustainability guild's monthly meetup.\n"
        "Next: {a} introduces {b} to the data platform lead.",
        "Role-played giving feedback to a senior colleague, twice: situation, behaviour, impact, then ask.\n"
        "Next: {b} has the real conversation this week.",
        "Work-life balance after a heavy on-call month. {b} will block focus time and raise the rota with their "
        "manager.\nNext: check how the new rota feels.",
        "Tried two AI assistants for drafting design docs: summarising was useful, code suggestions less so.\n"
        "Next: {b} shares the comparison with the team.",
        "Mid-point review: two milestones done, one slipping because of the release. Moved the date rather than "
        "dropping it.\nNext: one focus for the rest of the quarter.",
        "How {a} handles disagreeing with a manager: separate the decision from the relationship.\nNext: {b} "
        "tries it in the planning meeting.",
        "{b} presented the reliability update and it went well. Celebrated, then planned answers to the follow-up "
        "questions.\nNext: ask two attendees for feedback.",
        "Connected {b}'s work to the company's climate targets: the build-server changes cut energy use.\n"
        "Next: {b} writes it up for the sustainability newsletter.",
    ],
    Program.Kind.REVERSE: [
        "Set up a small prompt library for weekly reports; {b} saved about an hour this week.\nNext: try it on "
        "the first draft of the board pack.",
        "Reviewed {b}'s professional profile and what early-career colleagues actually read: shorter posts, real "
        "stories.\nNext: {b} drafts a post about the team's energy-saving win.",
        "How new joiners experience hybrid meetings: the side chat matters, and cameras off is not "
        "disengagement.\nNext: {b} tries a chat moderator in the Monday staff meeting.",
        "{b} asked how feedback lands with people early in their career. {a} shared what helped in their first "
        "year.\nNext: {b} asks their team how they like to receive feedback.",
        "Explored the sales dashboard together: {a} showed the filters and exports {b} had not used.\nNext: {b} "
        "builds their own view of the quarterly numbers.",
        "{b} explained how next year's budget was decided; {a} found it eye-opening.\nNext: {a} brings the team's "
        "view of the new collaboration tools.",
        "Tried an AI tool to prepare a difficult email, then rewrote it together: the draft was a start, not the "
        "answer.\nNext: {b} uses it for the weekly update.",
    ],
    Program.Kind.GROUP: [
        "{b} brought a hard conversation with a former peer. The circle suggested naming the change openly.\n"
        "Next: {b} reports back; {a} shares a reading on leading former peers.",
        "Theme: imposter feelings in a new role. Three of us recognised the 'I just got lucky' story. {a} shared "
        "the wins-log idea.\nNext: everyone keeps a wins log for a month.",
        "Delegation: each of us named one task we hold on to, mostly from fear the result will be different.\n"
        "Next: delegate one task before the next circle.",
        "Giving feedback across cultures: Lagos, Tokyo and Berlin hear directness very differently.\nNext: ask "
        "'how do you like to receive feedback?' in our one-to-ones.",
        "{b} shared how they stopped answering late-night messages. Everyone agreed on one boundary to try.\n"
        "Next: check in on the boundaries.",
        "Difficult conversations: practised in threes, one person observing. Hardest part: staying quiet after "
        "the question.\nNext: {a} sends the observer checklist.",
    ],
}
AGENDAS = [
    "Debrief on last week's review; goals check.",
    "Dry run of the update for the leadership meeting.",
    "Look at the impact log together.",
    "Try the meeting summariser together.",
    "What to do when someone talks over you.",
    "Plan the next quarter's milestones.",
]
REFLECTIONS: dict[tuple[str, str], list[str]] = {  # private, first person: (program kind, "lead" or "follower")
    (Program.Kind.ONE_ON_ONE, "follower"): [
        "I was nervous about bringing up promotion, but saying it out loud made it feel less scary.",
        "I realised I wait for permission to speak. Next time I'll go in with one point prepared.",
        "I keep comparing myself with people who have ten more years of experience. That isn't fair to me.",
        "Not much progress this time: I came unprepared. I need to write the agenda the day before.",
        "Good to hear that my mentor felt like an imposter in their first lead role too.",
        "The role-play felt awkward but it worked: I had the real conversation the next day.",
    ],
    (Program.Kind.ONE_ON_ONE, "lead"): [
        "I talked too much today. Next time: more questions, fewer stories.",
        "They are further along than they think. My job is mostly to point at the evidence.",
        "I promised an introduction and haven't made it yet. Do it tomorrow.",
        "Their questions about the re-org showed me how it looks from inside a team. I had missed that.",
    ],
    (Program.Kind.REVERSE, "follower"): [
        "Humbling to see how much time the summariser saves. I should have tried it months ago.",
        "I learned more about how new joiners feel in one hour than from the last engagement survey.",
        "I was sceptical about posting, but the response to the team story was real.",
    ],
    (Program.Kind.REVERSE, "lead"): [
        "Explaining the tool made me realise how much I know.",
        "I got to see how a budget decision is actually made. Useful context for my own work.",
        "Senior leaders are people with very full calendars. Less intimidating than I thought.",
    ],
    (Program.Kind.GROUP, "follower"): [
        "Hearing that others struggle with the same thing helped more than any advice.",
        "I held back today. Next circle I'll bring my real situation with the team.",
        "The wins log feels silly, but I've written something down every day this week.",
    ],
    (Program.Kind.GROUP, "lead"): [
        "The group is opening up. Let the silence run longer before I step in.",
        "Two people did most of the talking. Start with a round next time.",
    ],
}
CANCEL_REASONS = [
    "Clash with a customer call.",
    "Off sick today.",
    "Team offsite that day.",
    "Public holiday here.",
    "Release day: let's move it.",
    "Travelling; I'll suggest a new time.",
    "Childcare fell through, sorry.",
]
END_REASONS = {
    "hr": [
        "No sessions for months and two nudges unanswered. I checked in with both; they agreed to close the match.",
        "Quiet since the summer: the mentor changed teams and has no time left. The mentee joins the next cohort.",
    ],
    "member": [
        "Our calendars never lined up across the time difference; we agreed to stop rather than keep cancelling.",
        "I moved to a new role with a lot of travel and cannot give this the time it deserves.",
        "Our goals did not fit: I am looking for people-management advice and my mentor's strength is technical.",
    ],
}
COMMENTS = [
    "Great progress: your update in the staff meeting was clear and calm. Next time, open with the recommendation.",
    "This one slipped with the release, and that is fine. Let's pick a new date together.",
    "Keep going: the feedback you got from Product is exactly the evidence this goal needs.",
    "I'd split the last milestone in two; it is a big step.",
    "Well done! Worth sharing at your next team meeting.",
    "Let's look at this one first next session.",
]
# Per program: (title, description, [(milestone, days after the start)]).
TEMPLATES = {
    "Grow Together": [
        ("Speak up with confidence in leadership meetings", "Be heard in rooms with senior people.",
         [("Share one idea in the weekly staff meeting", 30), ("Present an update to the leadership team", 90),
          ("Lead a planning discussion", 190)]),
        ("Grow your network across departments", "Know who to ask, beyond your own team.",
         [("Coffee chats with three people outside your team", 30), ("Join a cross-team guild", 60),
          ("Shadow a colleague in another department for a day", 120)]),
        ("Prepare for a promotion conversation", "Know the next level and show you are working at it.",
         [("Write down your impact of the last twelve months", 21), ("Ask two peers for feedback", 90),
          ("Agree next-level expectations with your manager", 210)]),
        ("Connect your work to our sustainability goals", "Find where your work touches our climate targets.",
         [("Pick one climate target that touches your work", 14), ("Propose one change to your team", 75),
          ("Share the result at a team meeting", 200)]),
    ],
    "Digital Reverse Mentoring": [
        ("Try one AI tool in your weekly work", "Start small and keep what helps.",
         [("Pick one weekly task to try it on", 7), ("Use it every week for a month", 40),
          ("Share what worked with your team", 70)]),
        ("Build a professional presence on social media", "Show the work of your teams where people look.",
         [("Refresh your profile", 14), ("Post about one team success", 60),
          ("Comment on three colleagues' posts", 200)]),
        ("Run hybrid meetings that work for everyone", "Remote and office colleagues take part equally.",
         [("Ask remote colleagues what gets in their way", 14), ("Try a shared agenda and a chat moderator", 45),
          ("Review with the team after a quarter", 180)]),
    ],
    "Leadership Circles": [
        ("Give feedback that lands", "Regular, specific, kind feedback.",
         [("Use situation-behaviour-impact once a week", 30), ("Ask your team how your feedback comes across", 200)]),
        ("Lead former peers with confidence", "From colleague to lead without losing the team.",
         [("Agree new working norms with the team", 30), ("Hold a first round of career conversations", 210)]),
        ("Delegate one recurring task", "Make room for the work only you can do.",
         [("Choose the task and the person", 14), ("Hand it over with a clear outcome", 40),
          ("Review together after a month", 75)]),
        ("Quieten the imposter voice", "Notice your wins and own them.",
         [("Keep a wins log for a month", 30), ("Share one win with the circle", 45)]),
    ],
}  # fmt: skip
DEMO_GOAL = "Speak up with confidence in leadership meetings"
DEMO_OWN_GOAL = "Grow your network across departments"
DEMO_COMMENTS = [COMMENTS[0], COMMENTS[2]]
DEMO_AGENDA = "Dry run of your opening for the planning discussion; what to do when someone talks over you."
DEMO_MILESTONES = [  # (title, days from today: negative is past, done?)
    ("Share one idea in the weekly staff meeting", -120, True),
    ("Present the reliability update to the leadership team", -45, True),
    ("Lead the planning discussion for the on-call redesign", 9, False),
    ("Ask two senior stakeholders for feedback", 38, False),
]
