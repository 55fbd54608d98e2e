"""What the source article (shared/seed/niic-2014-conference-article.txt) states about the 7th
National Immigrant Integration Conference, copied verbatim. Nothing here is invented: the sample
schedule, which the article does not give, lives in niic/sample_schedule.py."""

SOURCE = (
    "“National Immigrant Integration Conference Highlights Innovative Initiatives in States and "
    "Cities”, an article about the conference"
)

CONFERENCE = {
    "name": "National Immigrant Integration Conference",
    "short_name": "NIIC",
    "ordinal": 7,
    "year": 2014,
    "slug": "niic-2014",
    "city": "Los Angeles, California",
    "start_date": "2014-12-14",
    "end_date": "2014-12-16",
    "time_zone": "America/Los_Angeles",
    "organizer": "National Partnership for New Americans",
    "description": (
        "The National Immigrant Integration Conference (NIIC), organized by the National "
        "Partnership for New Americans, is one of the largest annual convenings of individuals "
        "and organizations working on immigration and immigrant integration issues, challenges, "
        "and opportunities.\n\n"
        "“At the heart of this three-day conference is the collaborations and networks we seek "
        "to create and strengthen in order to build a stronger democracy and launch a new decade "
        "for immigrant integration,” Angelica Salas of the Coalition for Human Immigrant Rights "
        "Los Angeles (CHIRLA) said."
    ),
}

ECONOMIC_OPPORTUNITY = "economic opportunity, inclusion, and stability"
ENGAGING_RECEIVING_COMMUNITIES = "engaging receiving communities"

# The nine tracks, named exactly as the article lists them, in its order.
TRACK_NAMES = [
    ECONOMIC_OPPORTUNITY,
    "education services and systems: strengthening the cornerstone for integration",
    "healthy families and healthy communities",
    "arts, culture, mass media, and the immigrant experience",
    "from naturalization to full citizenship",
    "global migration and international models for integration",
    ENGAGING_RECEIVING_COMMUNITIES,
    "strengthening our nation through workforce development",
    "protecting our rights and expanding our freedoms",
]

TRACK_DESCRIPTIONS = {
    ECONOMIC_OPPORTUNITY: (
        "“access to economic opportunity is essential to ensure the financial success of "
        "immigrant and refugee families and imperative to the future of our national economy.”"
        "\n\n"
        "Sessions include “input from local practitioners, industry experts, labor unions and "
        "policymakers sharing their knowledge, best practices and lessons learned on how to "
        "effectively integrate immigrants and refugees into the mainstream economy, build assets, "
        "and create a pathway out of poverty.”"
    ),
    ENGAGING_RECEIVING_COMMUNITIES: (
        "“successful immigrant integration requires support from and engagement with the broad "
        "receiving community, including government actors, community-based organizations, faith "
        "communities, businesses, and neighbors.”\n\n"
        "The organizers of this track “recognize and celebrate the significant success we have "
        "achieved in creating immigrant-friendly communities across the country. At the same "
        "time, events such as children fleeing violence, an emboldened anti-immigrant movement, "
        "and the continued marginalization of communities of color have deeply challenged the "
        "immigrant integration field while also presenting opportunities for creative new "
        "partnerships.”\n\n"
        "This track explores “new approaches for addressing bias and backlash, building "
        "alliances and a broader base of support, and helping communities manage demographic "
        "change in ways that bring the whole community together.”"
    ),
}

TRACK_TOPICS = {
    ECONOMIC_OPPORTUNITY: [
        "building financial capability in immigrant and refugee communities",
        "immigration and the states: advancing state policy priorities in immigration",
        "building economic power for immigrant workers: union organizing, apprenticeships and "
        "collective bargaining",
        "entrepreneurship as a component of integration in welcoming cities",
        "creating a sustainable economy for all: common sense economics",
    ],
    ENGAGING_RECEIVING_COMMUNITIES: [
        "what works: overcoming backlash and fostering greater understanding in today’s volatile "
        "environment",
        "promoting greater Arab, Middle Eastern, Muslim and South Asian community inclusion",
        "how to communicate about changing demographics and address unconscious prejudice",
        "building alliances between African Americans and immigrants",
    ],
}

# The article names organizations without websites; it gives CHIRLA's acronym and no other.
ORGANIZATIONS = [
    {
        "slug": "chirla",
        "name": "Coalition for Human Immigrant Rights Los Angeles",
        "acronym": "CHIRLA",
    },
    {
        "slug": "national-partnership-for-new-americans",
        "name": "National Partnership for New Americans",
        "acronym": "",
    },
]

PEOPLE = [
    {"slug": "angelica-salas", "name": "Angelica Salas", "organization": "chirla"},
    {
        "slug": "joshua-hoyt",
        "name": "Joshua Hoyt",
        "organization": "national-partnership-for-new-americans",
    },
    {
        "slug": "julien-ross",
        "name": "Julien Ross",
        "organization": "national-partnership-for-new-americans",
    },
    {
        "slug": "eva-millona",
        "name": "Eva Millona",
        "organization": "national-partnership-for-new-americans",
    },
]
