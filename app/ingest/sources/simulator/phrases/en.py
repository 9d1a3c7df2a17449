"""What the simulated audience says in English, by category.

Moment categories (``goal``, ``halftime``...) are what people post during that moment's
spike; phases (``pre``, ``play``, ``break``, ``post``) the chatter between moments; the
rest can come at any time. ``{show}`` is the event's name or one of its keywords.
"""

from __future__ import annotations

PHRASES: dict[str, tuple[str, ...]] = {
    "pre": (
        "Counting down to {show}, snacks are ready",
        "Who else has been waiting all week for {show}?",
        "Pre-match nerves are real tonight",
        "Watching {show} with the whole family tonight",
        "Line-ups are out and I have thoughts",
        "Predicting 2-1, screenshot this",
    ),
    "kickoff": (
        "AND WE'RE OFF",
        "Kick-off! Here we go",
        "{show} has started, phones down everyone. Well, almost",
        "That first minute already had more energy than the whole last season",
        "We are underway!!",
    ),
    "goal": (
        "GOOOOOAL",
        "WHAT A GOAL",
        "Oh my days, what a finish",
        "I literally screamed, the neighbours hate me",
        "Did that just happen?? What a strike",
        "Top corner. No chance for the keeper",
        "Replay it 100 times please",
    ),
    "halftime": (
        "Half-time. Need a minute to breathe",
        "That was a first half and a half",
        "Half-time thoughts: midfield needs to wake up",
        "45 minutes of pure stress",
        "Half-time, kettle on",
    ),
    "ad_break": (
        "That advert with the dog gets me every time",
        "Ad break = fridge run",
        "Why is every ad break the same five adverts",
        "Using the ad break to reply to everyone in the group chat",
        "Not the ads being louder than the match",
    ),
    "second_half": (
        "Second half, let's go",
        "We're back! Need a better start than the first half",
        "45 more minutes, I can do this",
        "Second half underway, nerves are back",
    ),
    "final_whistle": (
        "FULL TIME!!!",
        "It's over. What a night",
        "Final whistle, I'm emotional",
        "Full time. They deserved that",
        "That's it. That's the tweet. WHAT A FINAL",
    ),
    "outage": (
        "Is the stream down for anyone else??",
        "Screen just went black at the worst possible moment",
        "Buffering. During {show}. Unbelievable",
        "Lost the picture completely, what is going on",
        "Stream froze, I'm refreshing like a maniac",
    ),
    "play": (
        "This pace is unreal",
        "The ref is having a nightmare",
        "Come onnnn",
        "That save though",
        "Midfield is getting overrun, change something",
        "Everyone in this pub is on their feet",
        "{show} is living up to the hype",
    ),
    "break": (
        "Stats at the break: we're dominating possession",
        "Using the break to refill the snacks",
        "The studio analysis is spot on tonight",
        "Can the second half start already",
    ),
    "post": (
        "Still buzzing after {show}",
        "Can't sleep, replaying that goal in my head",
        "Player of the match has to be the keeper",
        "Best {show} in years",
        "Post-match interviews are gold tonight",
    ),
    "question": (
        "What channel is {show} on?",
        "Is there a replay of the goal anywhere?",
        "Who's the commentator tonight?",
        "What time does the second half start?",
        "Is this on in the US as well?",
        "Anyone know the score? I'm stuck on a train",
        "Why was that not a penalty?",
    ),
    "complaint": (
        "The commentary is unbearable tonight",
        "Worst refereeing I've seen in years",
        "Too many ads, I'm missing the build-up",
        "Audio is out of sync again",
        "Why does the broadcast keep cutting to the studio",
        "Honestly embarrassing from the defence",
    ),
    "praise": (
        "Incredible coverage tonight, well done",
        "The camera work on that goal was beautiful",
        "This is why I love this game",
        "What a performance from the captain",
        "Best pundit panel on TV, no contest",
        "{show} never disappoints",
    ),
    "joke": (
        "My dog has watched more of this match than the ref",
        "Keeper out here playing hide and seek",
        "I've aged 10 years in 90 minutes",
        "Me explaining offside to my nan for the 40th time",
        "That defending was sponsored by a sieve",
        "The ball had more direction than my career",
    ),
    "reply": (
        "Exactly this",
        "Couldn't agree more",
        "No way, that was never a foul",
        "Channel 1, it started 10 minutes ago",
        "Same here!",
        "Bold take, I respect it",
        "This aged well",
        "Thank you, finally someone said it",
    ),
}
