"""A made-up national data set: the programme as loaded, grown to every safeguarding partnership in England.

`manage.py generate_national_data` (issue 14) adds partnerships, learning examples with their versions and review
trail, resources with downloads, FAQs, newsletter subscribers and issues, at the sizes of a national programme
(FULL_SIZES) or a fraction of them (`--scale`), so that pages can be measured where they will have to be fast
(benchmarks/national.py). The same seed and day always give the same data.

Everything generated is marked so that a later run can find it, delete it and start again, and so that the
command can tell a scratch database from one holding real content (`real_content`): every address it writes is
at GENERATED_DOMAIN, a reserved name (RFC 2606) that can never be a real person's or site's.

Rows are written with bulk_create, which bypasses save(): every stored `*_html` field is filled here (each
distinct Markdown text is rendered once by ea_portal.markdown and reused), slugs are made unique here, and
timestamps are given explicitly (the auto_now fields are switched off while writing) so that data spreads over
two years instead of all dating from the moment of the run. Signals do not fire either: the search index is
rebuilt afterwards, and on PostgreSQL every table is ANALYZEd (these machines run with autovacuum off, and
statistics taken before a bulk load plan queries as if the tables were nearly empty).
"""

import datetime
import itertools
import random
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from tqdm import tqdm

from ea_portal.markdown import render_markdown
from learning.history import TEXT_FIELDS
from learning.models import (
    MARKDOWN_FIELDS,
    RESERVED_SLUGS,
    Action,
    ExampleVersion,
    LearningExample,
    Stage,
    State,
    Transition,
)
from partnerships.management.commands.load_programme import DEMO_NAMES
from partnerships.models import (
    LocalAuthority,
    Membership,
    MembershipRole,
    Partnership,
    PublishedArrangement,
    Region,
    SiteApproach,
    Theme,
)
from partnerships.programme_data import SITES
from partnerships.roles import facilitators_group
from resources.forms import RESERVED_SLUGS as RESOURCE_RESERVED_SLUGS
from resources.forms import consent_statement
from resources.models import (
    FAQ,
    FAQStatus,
    NewsletterIssue,
    Resource,
    ResourceDownload,
    Subscriber,
    SubscriberStatus,
)

# Reserved for documentation and testing (RFC 2606): no real address or site is ever at it, so anything carrying
# it was written by this module.
GENERATED_DOMAIN = "national-data.invalid"
GENERATED_URL = f"https://{GENERATED_DOMAIN}/"
# The portal note of a generated partnership, which also marks it as generated.
GENERATED_PARTNERSHIP_NOTE = (
    f"A made-up partnership generated for testing the portal at national scale ({GENERATED_DOMAIN})."
)

# The national programme (issue 14); `--scale` multiplies each.
FULL_SIZES = {
    "partnerships": 150,
    "examples": 20_000,
    "resources": 5_000,
    "faqs": 2_000,
    "subscribers": 100_000,
    "issues": 50,
}
VERSIONS_PER_EXAMPLE = 3
FACILITATORS = 4
BATCH_SIZE = 1000
# The data spreads over this many days before the day it is generated for.
SPAN_DAYS = 730

# Words a benchmark searches for: one in many examples, a phrase in many, and words in only a handful.
COMMON_WORD = "safeguarding"
COMMON_PHRASE = "peer review"
RARE_WORDS = ["Barnahus", "Caldicott", "Lundy", "Mockingbird", "Hackathon"]
# The chance that an example mentions each rare word: about ten of 20,000 examples do.
RARE_WORD_CHANCE = 0.0005


@dataclass(frozen=True)
class Sizes:
    partnerships: int
    examples: int
    resources: int
    faqs: int
    subscribers: int
    issues: int

    @classmethod
    def scaled(cls, scale, partnerships=None):
        """FULL_SIZES times `scale`, at least one of each; partnerships never fewer than the deck's."""
        sizes = {name: max(1, round(full * scale)) for name, full in FULL_SIZES.items()}
        if partnerships is not None:
            sizes["partnerships"] = partnerships
        sizes["partnerships"] = max(sizes["partnerships"], len(SITES))
        return cls(**sizes)


# What counts as real content --------------------------------------------------------------------------------


def generated_users():
    return get_user_model().objects.filter(email__iendswith=f"@{GENERATED_DOMAIN}")


def generated_partnerships():
    return Partnership.objects.filter(summary=GENERATED_PARTNERSHIP_NOTE)


def generated_examples():
    return LearningExample.objects.filter(contact_email__iendswith=f"@{GENERATED_DOMAIN}")


def generated_resources():
    return Resource.objects.filter(external_url__startswith=GENERATED_URL)


def generated_faqs():
    return FAQ.objects.filter(asker_email__iendswith=f"@{GENERATED_DOMAIN}")


def generated_subscribers():
    return Subscriber.objects.filter(email__iendswith=f"@{GENERATED_DOMAIN}")


def generated_issues():
    return NewsletterIssue.objects.filter(body__contains=GENERATED_URL)


def real_content():
    """What the database holds that neither NCB's deck (load_programme) nor this module wrote, by kind, for the
    kinds where there is any. Demo accounts (load_programme --demo-users) are not real content either."""
    deck_slugs = {slugify(name) for name, *_ in SITES}
    demo_accounts = get_user_model().objects.filter(
        username__in=list(DEMO_NAMES), email__in=[f"{username}@example.org" for username in DEMO_NAMES]
    )
    counts = {
        "partnerships": Partnership.objects.exclude(slug__in=deck_slugs)
        .exclude(pk__in=generated_partnerships())
        .count(),
        "learning examples": LearningExample.objects.exclude(from_deck=True)
        .exclude(pk__in=generated_examples())
        .count(),
        "resources": Resource.objects.exclude(from_deck=True).exclude(pk__in=generated_resources()).count(),
        "FAQs": FAQ.objects.exclude(pk__in=generated_faqs()).count(),
        "newsletter subscribers": Subscriber.objects.exclude(pk__in=generated_subscribers()).count(),
        "newsletter issues": NewsletterIssue.objects.exclude(pk__in=generated_issues()).count(),
        "user accounts": get_user_model()
        .objects.exclude(pk__in=generated_users())
        .exclude(pk__in=demo_accounts)
        .count(),
    }
    return {kind: count for kind, count in counts.items() if count}


def remove_generated():
    """Delete everything an earlier run generated (through the ORM, so every cascade is honoured), children
    before the rows they point at (examples are PROTECTed by their partnership)."""
    querysets = [
        generated_examples(),
        generated_resources(),
        generated_faqs(),
        generated_issues(),
        generated_subscribers(),
        generated_users(),
        generated_partnerships(),
    ]
    for queryset in querysets:
        ids = list(queryset.order_by("pk").values_list("pk", flat=True))
        for batch in itertools.batched(ids, 2000):
            queryset.model.objects.filter(pk__in=batch).delete()


# Timestamps ---------------------------------------------------------------------------------------------------


@contextmanager
def explicit_timestamps(*models):
    """Let bulk_create write the given created/updated values: auto_now and auto_now_add would replace them all
    with the moment of the run. Every row written meanwhile must set those fields itself."""
    fields = [
        field
        for model in models
        for field in model._meta.concrete_fields
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    ]
    saved = [(field, field.auto_now, field.auto_now_add) for field in fields]
    for field in fields:
        field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


# Vocabulary ---------------------------------------------------------------------------------------------------

PLACE_STARTS = [
    "Ash", "Brack", "Bright", "Cold", "Dun", "Elm", "Fern", "Glen", "Hart", "Holm", "Ingle", "Kings", "Lang",
    "Marl", "Mill", "Nether", "Oak", "Pen", "Queens", "Rad", "Ring", "Stan", "Thorn", "Upton", "Wal", "Wey",
    "Whit", "Wy", "Ald", "Bur", "Chel", "Dray",
]  # fmt: skip
PLACE_ENDS = [
    "bury", "ford", "ham", "ley", "mere", "stead", "ton", "wick", "worth", "field", "dale", "bridge", "combe",
    "minster",
]  # fmt: skip
FIRST_NAMES = [
    "Aisha", "Ben", "Chloe", "Daniel", "Eleanor", "Faisal", "Grace", "Harry", "Imran", "Jess", "Kofi", "Laura",
    "Mohammed", "Niamh", "Olivia", "Priya", "Rachel", "Sam", "Tom", "Uma", "Vikram", "Wendy", "Yusuf", "Zoe",
]  # fmt: skip
LAST_NAMES = [
    "Ahmed", "Baker", "Clarke", "Davies", "Evans", "Fletcher", "Green", "Hughes", "Iqbal", "Jones", "Khan",
    "Lewis", "Morgan", "Nolan", "Okafor", "Patel", "Quinn", "Roberts", "Singh", "Taylor", "Walker", "Wright",
]  # fmt: skip
ROLES = [
    "Safeguarding partnership business manager", "Designated nurse for safeguarding children",
    "Detective inspector, public protection", "Head of quality assurance, children's services",
    "Independent scrutineer", "Learning and development officer", "Designated safeguarding lead",
    "Principal social worker", "Partnership analyst", "Head of early help",
]  # fmt: skip
ACTIVITIES = [
    "Peer review", "Multi-agency audit", "Independent scrutiny", "Rapid review", "Learning review",
    "Practice evaluation", "Section 11 audit", "Line of sight visits", "Assurance event", "Practitioner forum",
    "Family group conferences", "Young scrutineers", "Voice of the child survey", "Joint targeted inspection",
    "Information sharing agreement", "Safeguarding training offer", "Threshold document", "Escalation protocol",
    "Child death review panel", "Contextual safeguarding panel", "Performance dashboard", "Funding formula",
    "Peer review", "Reflective supervision", "Schools safeguarding audit",
]  # fmt: skip
TOPICS = [
    "neglect", "child sexual exploitation", "criminal exploitation and county lines", "domestic abuse",
    "children missing education", "self-harm in adolescents", "online harm", "serious youth violence",
    "disabled children", "early help", "parental mental health", "parental substance misuse",
    "private fostering", "female genital mutilation", "radicalisation", "homeless 16 and 17 year olds",
    "children in care", "safer sleep for infants", "harmful sexual behaviour", "children who go missing",
    "bruising in non-mobile babies", "young carers", "elective home education", "transitions to adulthood",
]  # fmt: skip
SETTINGS = [
    "across the partnership", "with schools and colleges", "with health providers", "with the police",
    "with the voluntary and faith sector", "with families", "across the region", "in early years settings",
    "with neighbouring partnerships", "in the multi-agency safeguarding hub", "with housing providers",
    "with sports and leisure clubs",
]  # fmt: skip
AGENCIES = [
    "children's social care", "the police", "health", "schools", "the clinical commissioning group",
    "probation", "youth offending services", "early years providers", "housing", "adult mental health services",
    "the ambulance service", "general practice", "the voluntary sector", "the designated professionals",
]  # fmt: skip
PURPOSES = [
    "to strengthen independent scrutiny", "to learn from practice", "to hear the voice of children and families",
    "to hold partners to account", "to share information earlier", "to improve the quality of referrals",
    "to agree shared priorities", "to test the new arrangements", "to understand what makes a difference",
    "to support practitioners to challenge each other",
]  # fmt: skip
OPENERS = ["How the partnership used", "Using", "Introducing", "What we learned from", "Developing", "Embedding"]
MONTHS = [3, 4, 6, 9, 12, 18]

SECTION_TEMPLATES = {
    "context": [
        "Before the new arrangements, work on {topic} was led by a single agency and {agency} rarely took part. "
        "The partnership wanted a shared view of practice and of risk.",
        "A serious case review in {year} found that {agency} and {agency2} did not share what they knew about "
        "{topic}. The safeguarding partners agreed this had to change.",
        "The partnership covers {number} schools and several health trusts. Referrals about {topic} had risen by "
        "{percent}% in two years, while the quality of assessments varied.",
        "Practitioners told us that the old board meetings were about reports, not about children. The partners "
        "wanted safeguarding arrangements that practitioners could see and influence.",
        "Working Together 2018 gave the three safeguarding partners joint responsibility. We used the change to "
        "look again at how we understand {topic} {setting}.",
        "Our {activity_lower} in {year} showed that {agency} often did not know what happened after a referral. "
        "Families said they had to tell their story many times.",
    ],
    "what_was_done": [
        "We set up a {activity_lower} {setting}, led by a practitioner from {agency} and one from {agency2}. "
        "Each cycle looked at {number} cases of {topic}.",
        "The partners agreed a terms of reference, a timetable and a simple template. Findings went to the "
        "safeguarding partners every {months} months.",
        "- a shared case audit tool\n- joint training for {agency} and {agency2}\n- a quarterly practitioner "
        "forum on {topic}\n- a short briefing after each review",
        "Young people from the children in care council helped design the questions and interviewed senior "
        "leaders about {topic}.",
        "A {activity_lower} was run with {number} practitioners from {agency}, {agency2} and schools, followed by "
        "a peer review of the action plan by a neighbouring partnership.",
        "The independent scrutineer observed meetings, read case files and spoke to frontline staff about "
        "safeguarding practice on {topic}.",
        "We mapped every meeting about {topic} and replaced {number} of them with one multi-agency panel "
        "chaired in turn by each safeguarding partner.",
    ],
    "helped_and_hindered": [
        "Senior sponsorship from all three partners helped; staff turnover in {agency} got in the way.",
        "Protected time for practitioners made the difference. Information governance questions delayed the "
        "start by {months} months.",
        "A named coordinator kept the work moving. Data from {agency} was hard to match with data from {agency2}.",
        "Families' willingness to take part helped us most. Some practitioners were anxious that the "
        "{activity_lower} would be used to blame them.",
    ],
    "impact_and_evidence": [
        "Re-audit after {months} months showed {percent}% of cases met the agreed standard, up from {percent2}%.",
        "Practitioners rated the sessions highly and said they now understood each other's roles and thresholds.",
        "The {activity_lower} was evaluated by a university partner, which found better information sharing "
        "between {agency} and {agency2}.",
        "Repeat referrals for {topic} fell over the following year, though other changes may have contributed.",
        "Children and young people said they felt listened to; their recommendations are now in the partnership's "
        "annual report.",
    ],
    "resources_needed": [
        "About {number} days of a coordinator's time a year, and half a day from each practitioner per cycle.",
        "A small budget for venues and for paying young people for their time, shared by the three partners.",
        "No new money: the partners redirected the time previously spent on board sub-groups.",
        "Analyst time from {agency} to prepare data, and an independent chair for the panel.",
    ],
}
RARE_SENTENCES = {
    "Barnahus": "We visited a Barnahus (children's house) to see how interviews and medical examinations are "
    "brought together under one roof.",
    "Caldicott": "The Caldicott guardian of each health trust agreed the information sharing protocol.",
    "Lundy": "Practitioners used the Lundy model of participation to plan how children's views would be heard.",
    "Mockingbird": "Foster carers in a Mockingbird constellation took part in the review.",
    "Hackathon": "A one-day hackathon with analysts from each agency built the first version of the dashboard.",
}
FEEDBACK = [
    "Please remove the name of the school in the second section: it could identify the family.",
    "Could you say more about the evidence of impact? A figure or a quote from a practitioner would help.",
    "Thank you. Please add a contact and the stage of development before we publish.",
]
RESOURCE_TITLES = [
    ("tool", "{activity} tool: {topic}"),
    ("tool", "Case audit template for {topic}"),
    ("guidance", "Guidance on {topic} for {agency}"),
    ("guidance", "Practice briefing: {topic}"),
    ("template", "Terms of reference: {activity_lower}"),
    ("template", "Template agenda for a {activity_lower}"),
    ("report", "{activity} report: {topic} {setting}"),
    ("report", "Annual report of the {place} safeguarding partnership, {year}"),
]
RESOURCE_DESCRIPTIONS = [
    "A practical {kind} for practitioners and managers working on {topic}. It can be adapted locally.",
    "Developed by the {place} partnership with {agency} and {agency2}, and tested over {months} months.",
    "Includes questions for a {activity_lower}, a recording sheet and a short guide for chairs.",
    "Shared with the permission of the safeguarding partners. Please credit the partnership if you use it.",
]
FAQ_QUESTIONS = [
    "How should {agency} be involved in a {activity_lower}?",
    "Who decides whether a case of {topic} needs a rapid review?",
    "Can schools be relevant agencies under the new safeguarding arrangements?",
    "What does independent scrutiny of {topic} look like in practice?",
    "How often should the safeguarding partners publish a report on {topic}?",
    "How can we hear the voice of children about {topic}?",
    "Do we need an information sharing agreement with {agency}?",
    "What funding should {agency} contribute to the partnership?",
]
FAQ_ANSWERS = [
    "The safeguarding partners agree this locally. Most Early Adopters set it out in their published "
    "arrangements and review it each year.",
    "In most partnerships the decision is made by the three safeguarding partners together, advised by "
    "{agency}. See the examples on this portal for how others do it.",
    "Yes. Several Early Adopters named {agency} as relevant agencies and asked them to take part in "
    "{activity_lower} work on {topic}.",
    "There is no single model. Partnerships have used an independent scrutineer, a {activity_lower} and "
    "young scrutineers, often together.",
]
NEWSLETTER_PARAGRAPHS = [
    "This month {number} partnerships shared new learning on {topic}.",
    "The {place} partnership describes its {activity_lower} {setting}, with the tools it used.",
    "Our next practitioner event is about {topic}. Places are limited, so book early.",
    "Thank you to everyone who answered the survey about independent scrutiny.",
]
ORGANISATIONS = [
    "A children's services department", "A police force", "An NHS trust", "A primary school", "A secondary school",
    "A voluntary organisation", "A clinical commissioning group", "A university", "A youth offending service",
]  # fmt: skip


class Generator:
    """Writes one national data set. Each part draws from its own random stream, seeded from the seed and the
    part's name, so that the size of one part never changes what another generates."""

    def __init__(self, seed, sizes, today, progress=True):
        self.seed = seed
        self.sizes = sizes
        # Midnight at the start of `today`, UTC: everything happened before it, so one seed on one day gives one
        # data set however long the run takes.
        self.now = datetime.datetime.combine(today, datetime.time(), tzinfo=datetime.UTC)
        self.progress = progress
        self._rendered = {}
        self.written = Counter()

    def rng(self, part):
        return random.Random(f"{self.seed}:{part}")  # noqa: S311 (made-up data, reproducible on purpose)

    def bar(self, total, description):
        return tqdm(total=total, desc=description, unit=" rows", disable=not self.progress, leave=True)

    def render(self, text):
        """Sanitised HTML of some Markdown, rendered once per distinct text."""
        if text not in self._rendered:
            self._rendered[text] = str(render_markdown(text))
        return self._rendered[text]

    def render_paragraphs(self, paragraphs):
        """The Markdown and HTML of paragraphs joined by blank lines. Block by block rendering gives the same HTML
        as rendering the whole (each block is rendered on its own; no two lists are ever adjacent), so each
        paragraph of the pools is rendered once, however many texts use it."""
        return "\n\n".join(paragraphs), "".join(self.render(paragraph) for paragraph in paragraphs)

    def when(self, rng, earliest_days=SPAN_DAYS, latest_days=0):
        """A moment between `earliest_days` and `latest_days` before today."""
        seconds = rng.randint(latest_days * 86400, earliest_days * 86400 - 1)
        return self.now - datetime.timedelta(seconds=seconds)

    @staticmethod
    def fill(rng, template, **fixed):
        values = {
            "topic": rng.choice(TOPICS),
            "agency": rng.choice(AGENCIES),
            "agency2": rng.choice(AGENCIES),
            "setting": rng.choice(SETTINGS),
            "activity": rng.choice(ACTIVITIES),
            "number": rng.randint(3, 40),
            "months": rng.choice(MONTHS),
            "percent": rng.randint(40, 95),
            "percent2": rng.randint(10, 39),
            "year": rng.randint(2015, 2019),
            "place": rng.choice(PLACE_STARTS) + rng.choice(PLACE_ENDS),
            "kind": "tool",
            **fixed,
        }
        values["activity_lower"] = values["activity"].lower()
        return template.format(**values)

    def pool(self, rng, templates, size):
        """`size` filled-in paragraphs from the templates (duplicates dropped)."""
        return list(dict.fromkeys(self.fill(rng, rng.choice(templates)) for _ in range(size)))

    # The parts, in the order they are written ---------------------------------------------------------------

    def run(self):
        models = [
            LearningExample,
            ExampleVersion,
            Transition,
            Resource,
            ResourceDownload,
            FAQ,
            Subscriber,
            NewsletterIssue,
        ]
        with transaction.atomic(), explicit_timestamps(*models):
            self.themes = list(Theme.objects.order_by("slug"))
            self.matrix_themes = [theme for theme in self.themes if theme.matrix_order is not None]
            self.partnerships = self.generate_partnerships()
            self.facilitators, self.leads = self.generate_users()
            self.generate_examples()
            self.generate_resources()
            self.generate_faqs()
            self.generate_subscribers()
            self.generate_issues()
        return self.written

    def generate_partnerships(self):
        rng = self.rng("partnerships")
        existing = list(Partnership.objects.order_by("deck_order", "slug"))
        wanted = self.sizes.partnerships - len(existing)
        taken_names = set(LocalAuthority.objects.values_list("name", flat=True))
        taken_slugs = set(LocalAuthority.objects.values_list("slug", flat=True))
        places = [start + end for start, end in itertools.product(PLACE_STARTS, PLACE_ENDS)]
        rng.shuffle(places)
        places = iter(place for place in places if place not in taken_names and slugify(place) not in taken_slugs)
        next_order = max((partnership.deck_order for partnership in existing), default=0) + 1
        new, authorities_of = [], {}
        for number in range(max(wanted, 0)):
            members = [next(places) for _ in range(rng.choices([1, 2, 3], weights=[6, 3, 1])[0])]
            name = ", ".join(members)
            new.append(
                Partnership(
                    name=name,
                    slug=slugify(name),
                    region=rng.choice(Region.values),
                    summary=GENERATED_PARTNERSHIP_NOTE,
                    deck_order=next_order + number,
                )
            )
            authorities_of[name] = members
        with self.bar(len(new), "partnerships") as bar:
            created = Partnership.objects.bulk_create(new)
            LocalAuthority.objects.bulk_create(
                LocalAuthority(name=member, slug=slugify(member), partnership=partnership)
                for partnership in created
                for member in authorities_of[partnership.name]
            )
            SiteApproach.objects.bulk_create(
                SiteApproach(partnership=partnership, theme=theme)
                for partnership in created
                for theme in rng.sample(self.matrix_themes, rng.randint(1, 4))
            )
            arrangements = [
                PublishedArrangement(
                    partnership=partnership,
                    title=f"{partnership.name} safeguarding children partnership arrangements",
                    published_month=(self.when(rng).date().replace(day=1)),
                    document_url=f"{GENERATED_URL}arrangements/{partnership.slug}.pdf",
                )
                for partnership in created
                if rng.random() < 0.7
            ]
            PublishedArrangement.objects.bulk_create(arrangements)
            bar.update(len(created))
        self.written["partnerships"] += len(created)
        return existing + created

    def generate_users(self):
        """Four facilitators and a lead for each partnership: the examples' writers and reviewers."""
        rng = self.rng("users")
        User = get_user_model()
        users = []
        for number in range(FACILITATORS):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            users.append(
                User(
                    username=f"national-facilitator-{number + 1}",
                    first_name=first,
                    last_name=f"{last} (generated)",
                    email=f"facilitator{number + 1}@{GENERATED_DOMAIN}",
                )
            )
        for number in range(1, len(self.partnerships) + 1):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            users.append(
                User(
                    username=f"national-lead-{number}",
                    first_name=first,
                    last_name=f"{last} (generated)",
                    email=f"lead{number}@{GENERATED_DOMAIN}",
                )
            )
        for user in users:
            user.set_unusable_password()
        created = User.objects.bulk_create(users)
        facilitators, leads = created[:FACILITATORS], created[FACILITATORS:]
        facilitators_group().user_set.add(*facilitators)
        Membership.objects.bulk_create(
            Membership(user=lead, partnership=partnership, role=MembershipRole.LEAD)
            for lead, partnership in zip(leads, self.partnerships, strict=True)
        )
        self.written["users"] += len(created)
        return facilitators, dict(zip((partnership.pk for partnership in self.partnerships), leads, strict=True))

    def generate_examples(self):
        rng = self.rng("examples")
        wanted = self.sizes.examples - LearningExample.objects.count()
        pools = {name: self.pool(rng, templates, 400) for name, templates in SECTION_TEMPLATES.items()}
        slugs = set(LearningExample.objects.values_list("slug", flat=True)) | set(RESERVED_SLUGS)
        with self.bar(max(wanted, 0), "learning examples") as bar:
            for start in range(0, max(wanted, 0), BATCH_SIZE):
                batch = [self.example(rng, pools, slugs) for _ in range(min(BATCH_SIZE, wanted - start))]
                created = LearningExample.objects.bulk_create([example for example, _ in batch])
                self.example_children(
                    rng, [(example, themes) for example, (_, themes) in zip(created, batch, strict=True)]
                )
                bar.update(len(created))
                self.written["learning examples"] += len(created)

    def example(self, rng, pools, slugs):
        partnership = rng.choice(self.partnerships) if rng.random() < 0.97 else None
        activity, topic, setting = rng.choice(ACTIVITIES), rng.choice(TOPICS), rng.choice(SETTINGS)
        title = f"{activity} of {topic} {setting}"
        if partnership is not None and rng.random() < 0.4:
            title = f"{partnership.name.split(',')[0].split('/')[0]}: {title[0].lower()}{title[1:]}"
        state = rng.choices(
            [State.PUBLISHED, State.DRAFT, State.SUBMITTED, State.RETURNED, State.UNPUBLISHED],
            weights=[80, 8, 5, 3, 4],
        )[0]
        created = self.when(rng)
        submitted = published = None
        if state != State.DRAFT:
            submitted = created + datetime.timedelta(days=rng.randint(1, 40))
            submitted = min(submitted, self.now - datetime.timedelta(hours=rng.randint(1, 48)))
        if state in (State.PUBLISHED, State.UNPUBLISHED):
            published = min(submitted + datetime.timedelta(days=rng.randint(1, 20)), self.now)
        summary = (
            f"{rng.choice(OPENERS)} {activity.lower()} of {topic} {setting}, {rng.choice(PURPOSES)}. "
            f"The work involved {rng.choice(AGENCIES)} and {rng.choice(AGENCIES)}."
        )
        texts = {"summary": (summary, self.render(summary))}
        complete = state != State.DRAFT or rng.random() < 0.5
        for name, pool in pools.items():
            if name != "context" and not complete:
                texts[name] = ("", "")
                continue
            if name in ("helped_and_hindered", "resources_needed") and rng.random() < 0.2:
                texts[name] = ("", "")
                continue
            paragraphs = rng.sample(pool, rng.randint(1, 3) if name != "resources_needed" else 1)
            # At most one list, and last: two adjacent lists would render as one.
            lists = [paragraph for paragraph in paragraphs if paragraph.startswith("- ")]
            paragraphs = [paragraph for paragraph in paragraphs if not paragraph.startswith("- ")] + lists[:1]
            if name == "context":
                paragraphs += [RARE_SENTENCES[word] for word in RARE_WORDS if rng.random() < RARE_WORD_CHANCE]
            texts[name] = self.render_paragraphs(paragraphs)
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        slug = unique_slug(slugs, title, max_length=200)
        example = LearningExample(
            title=title,
            slug=slug,
            partnership=partnership,
            stage=rng.choice([*Stage.values, ""]) if complete else "",
            **{name: texts[name][0] for name in MARKDOWN_FIELDS},
            **{f"{name}_html": texts[name][1] for name in MARKDOWN_FIELDS},
            contact_name=f"{first} {last}",
            contact_role=rng.choice(ROLES),
            contact_email=f"{first}.{last}{rng.randint(1, 999)}@{GENERATED_DOMAIN}".lower(),
            state=state,
            version=VERSIONS_PER_EXAMPLE,
            created_by=self.leads.get(partnership.pk if partnership else None) or rng.choice(self.facilitators),
            created=created,
            updated=max(filter(None, [created, submitted, published])),
            submitted_at=submitted,
            published_at=published,
        )
        themes = rng.sample(self.themes, rng.choices([1, 2, 3], weights=[5, 3, 2])[0])
        return example, themes

    def example_children(self, rng, examples):
        """Each example's themes, three versions (an early draft, a fuller one, the text as it is now) and its
        review trail so far."""
        links = LearningExample.themes.through
        links.objects.bulk_create(
            links(learningexample_id=example.pk, theme_id=theme.pk) for example, themes in examples for theme in themes
        )
        versions, transitions = [], []
        for example, themes in examples:
            author = example.created_by
            theme_names = ", ".join(sorted(theme.name for theme in themes))
            current = {
                **{name: getattr(example, name) for name in TEXT_FIELDS},
                "stage": example.stage,
                "stage_label": example.get_stage_display() or "Not recorded",
                "partnership": example.partnership_id,
                "partnership_name": example.partnership.name if example.partnership_id else "None (NCB)",
                "themes": sorted(theme.pk for theme in themes),
                "theme_names": theme_names,
            }
            early = {**current, **{name: "" for name, _ in SECTION_TEMPLATES.items() if name != "context"}}
            fuller = {**current, "resources_needed": "", "impact_and_evidence": ""}
            last_saved = example.submitted_at or example.updated
            span = max((last_saved - example.created).total_seconds(), 3)
            for number, content in enumerate([early, fuller, current], 1):
                saved_at = example.created + datetime.timedelta(seconds=span * (number - 1) / 3)
                versions.append(
                    ExampleVersion(example=example, number=number, content=content, saved_by=author, saved_at=saved_at)
                )
            transitions += self.review_trail(rng, example)
        ExampleVersion.objects.bulk_create(versions)
        Transition.objects.bulk_create(transitions)

    def review_trail(self, rng, example):
        facilitator = rng.choice(self.facilitators)
        steps = []
        if example.submitted_at:
            steps.append((Action.SUBMIT, State.DRAFT, State.SUBMITTED, example.created_by, example.submitted_at, ""))
        if example.state == State.RETURNED:
            returned = min(example.submitted_at + datetime.timedelta(days=rng.randint(1, 10)), self.now)
            steps.append((Action.RETURN, State.SUBMITTED, State.RETURNED, facilitator, returned, rng.choice(FEEDBACK)))
        if example.published_at:
            steps.append((Action.PUBLISH, State.SUBMITTED, State.PUBLISHED, facilitator, example.published_at, ""))
        if example.state == State.UNPUBLISHED:
            unpublished = min(example.published_at + datetime.timedelta(days=rng.randint(1, 200)), self.now)
            steps.append(
                (Action.UNPUBLISH, State.PUBLISHED, State.UNPUBLISHED, facilitator, unpublished, "Out of date.")
            )
        return [
            Transition(
                example=example,
                action=action,
                from_state=from_state,
                to_state=to_state,
                by=by,
                at=at,
                feedback=feedback,
                anonymity_confirmed=action in (Action.SUBMIT, Action.PUBLISH),
            )
            for action, from_state, to_state, by, at, feedback in steps
        ]

    def generate_resources(self):
        rng = self.rng("resources")
        wanted = max(self.sizes.resources - Resource.objects.count(), 0)
        descriptions = self.pool(rng, RESOURCE_DESCRIPTIONS, 300)
        slugs = set(Resource.objects.values_list("slug", flat=True)) | set(RESOURCE_RESERVED_SLUGS)
        with self.bar(wanted, "resources") as bar:
            for start in range(0, wanted, BATCH_SIZE):
                batch, themes_of = [], []
                for _ in range(min(BATCH_SIZE, wanted - start)):
                    kind, template = rng.choice(RESOURCE_TITLES)
                    title = self.fill(rng, template)
                    slug = unique_slug(slugs, title, max_length=180)
                    created = self.when(rng)
                    description, description_html = self.render_paragraphs(rng.sample(descriptions, rng.randint(1, 2)))
                    batch.append(
                        Resource(
                            title=title,
                            slug=slug,
                            kind=kind,
                            partnership=rng.choice(self.partnerships) if rng.random() < 0.7 else None,
                            description=description,
                            description_html=description_html,
                            external_url=f"{GENERATED_URL}resources/{slug}.pdf",
                            published=rng.random() < 0.9,
                            created=created,
                            updated=created + datetime.timedelta(days=rng.randint(0, 30)),
                        )
                    )
                    themes_of.append(rng.sample(self.themes, rng.randint(0, 3)))
                for resource in batch:
                    resource.updated = min(resource.updated, self.now)
                created = Resource.objects.bulk_create(batch)
                links = Resource.themes.through
                links.objects.bulk_create(
                    links(resource_id=resource.pk, theme_id=theme.pk)
                    for resource, themes in zip(created, themes_of, strict=True)
                    for theme in themes
                )
                downloads = [
                    ResourceDownload(
                        resource=resource, downloaded_at=self.when(rng, self.age_in_days(resource.created))
                    )
                    for resource in created
                    if resource.published
                    for _ in range(int(rng.expovariate(1 / 10)))
                ]
                ResourceDownload.objects.bulk_create(downloads, batch_size=5000)
                bar.update(len(created))
                self.written["resources"] += len(created)
                self.written["resource downloads"] += len(downloads)

    def age_in_days(self, moment):
        return max((self.now - moment).days, 1)

    def generate_faqs(self):
        rng = self.rng("faqs")
        wanted = max(self.sizes.faqs - FAQ.objects.count(), 0)
        answers = self.pool(rng, FAQ_ANSWERS, 200)
        order = Counter()
        faqs = []
        for number in range(wanted):
            status = rng.choices([FAQStatus.PUBLISHED, FAQStatus.DRAFT, FAQStatus.ASKED], weights=[79, 6, 15])[0]
            theme = rng.choice(self.themes) if status != FAQStatus.ASKED or rng.random() < 0.5 else None
            answer, answer_html = ("", "")
            if status != FAQStatus.ASKED:
                answer, answer_html = self.render_paragraphs(rng.sample(answers, rng.randint(1, 2)))
            created = self.when(rng)
            order[theme.pk if theme else None] += 1
            faqs.append(
                FAQ(
                    theme=theme,
                    question=self.fill(rng, rng.choice(FAQ_QUESTIONS)),
                    answer=answer,
                    answer_html=answer_html,
                    asker_email=f"asker{number + 1}@{GENERATED_DOMAIN}",
                    status=status,
                    order=order[theme.pk if theme else None],
                    created=created,
                    updated=min(created + datetime.timedelta(days=rng.randint(0, 30)), self.now),
                )
            )
        with self.bar(len(faqs), "FAQs") as bar:
            FAQ.objects.bulk_create(faqs, batch_size=BATCH_SIZE)
            bar.update(len(faqs))
        self.written["FAQs"] += len(faqs)

    def generate_subscribers(self):
        rng = self.rng("subscribers")
        wanted = max(self.sizes.subscribers - Subscriber.objects.count(), 0)
        consent = consent_statement()
        links = Subscriber.themes.through
        with self.bar(wanted, "newsletter subscribers") as bar:
            for start in range(0, wanted, 5 * BATCH_SIZE):
                batch, themes_of = [], []
                for number in range(start, min(start + 5 * BATCH_SIZE, wanted)):
                    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
                    status = rng.choices(
                        [SubscriberStatus.CONFIRMED, SubscriberStatus.PENDING, SubscriberStatus.UNSUBSCRIBED],
                        weights=[75, 15, 10],
                    )[0]
                    consented = self.when(rng)
                    confirmed = unsubscribed = None
                    if status != SubscriberStatus.PENDING:
                        confirmed = min(consented + datetime.timedelta(minutes=rng.randint(2, 4000)), self.now)
                    if status == SubscriberStatus.UNSUBSCRIBED:
                        unsubscribed = self.when(rng, self.age_in_days(confirmed))
                    batch.append(
                        Subscriber(
                            email=f"{first}.{last}.{number + 1}@{GENERATED_DOMAIN}".lower(),
                            name=f"{first} {last}",
                            organisation=rng.choice(ORGANISATIONS),
                            status=status,
                            consent_text=consent,
                            consented_at=consented,
                            confirmed_at=confirmed,
                            unsubscribed_at=unsubscribed,
                            created=consented,
                        )
                    )
                    themes_of.append(rng.sample(self.themes, rng.choices([0, 1, 2, 3], weights=[4, 3, 2, 1])[0]))
                created = Subscriber.objects.bulk_create(batch)
                links.objects.bulk_create(
                    (
                        links(subscriber_id=subscriber.pk, theme_id=theme.pk)
                        for subscriber, themes in zip(created, themes_of, strict=True)
                        for theme in themes
                    ),
                    batch_size=5000,
                )
                bar.update(len(created))
                self.written["newsletter subscribers"] += len(created)

    def generate_issues(self):
        rng = self.rng("issues")
        wanted = max(self.sizes.issues - NewsletterIssue.objects.count(), 0)
        slugs = set(NewsletterIssue.objects.values_list("slug", flat=True)) | set(RESOURCE_RESERVED_SLUGS)
        issues, themes_of = [], []
        drafts = max(1, wanted // 12) if wanted > 1 else 0
        for number in range(wanted):
            draft = number < drafts
            # Published issues every two weeks, newest first; drafts written in the last fortnight.
            published = None if draft else self.now - datetime.timedelta(days=14 * (number - drafts) + 3)
            when = published or self.when(rng, 14)
            subject = f"Early Adopters newsletter: {when.day} {when:%B %Y}" + (" (draft)" if draft else "")
            paragraphs = self.pool(rng, NEWSLETTER_PARAGRAPHS, rng.randint(2, 4))
            paragraphs.append(f"[More from the programme]({GENERATED_URL}newsletter/{number + 1})")
            body, body_html = self.render_paragraphs(paragraphs)
            issues.append(
                NewsletterIssue(
                    subject=subject,
                    slug=unique_slug(slugs, subject, max_length=180),
                    body=body,
                    body_html=body_html,
                    published_at=published,
                    created=when - datetime.timedelta(days=2),
                    updated=when,
                )
            )
            themes_of.append(rng.sample(self.themes, rng.randint(0, 2)))
        with self.bar(len(issues), "newsletter issues") as bar:
            created = NewsletterIssue.objects.bulk_create(issues)
            links = NewsletterIssue.themes.through
            links.objects.bulk_create(
                links(newsletterissue_id=issue.pk, theme_id=theme.pk)
                for issue, themes in zip(created, themes_of, strict=True)
                for theme in themes
            )
            bar.update(len(created))
        self.written["newsletter issues"] += len(created)


def unique_slug(taken, text, *, max_length):
    """ea_portal.text.unique_slug's rule (the plain slug, else -2, -3 ...) against a set in memory: one query per
    row would be 20,000 queries. The slug is added to `taken`."""
    base = slugify(text)[:max_length]
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    taken.add(slug)
    return slug


def after_bulk_load(stdout=None):
    """What every bulk load must do afterwards: rebuild the search index (signals did not fire), give PostgreSQL
    statistics of the new sizes, and tell caches that published content changed."""
    call_command("rebuild_search_index", stdout=stdout)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # The whole database: the index rebuild writes tables this module does not know (and search may add
            # more), and ANALYZE of the untouched small tables costs milliseconds.
            cursor.execute("ANALYZE")
    bump_content_version()


def bump_content_version():
    """Anonymous pages cached as whole responses (issue 14) are keyed on a content version: bump it, if the portal
    has one, since published content changed without a single save."""
    try:
        from ea_portal import content_version
    except ImportError:
        return
    bump = getattr(content_version, "bump", None)
    if bump is not None:
        bump()


def generate(*, seed, sizes, today=None, progress=True, stdout=None):
    """Replace any earlier generated data with a new national data set; returns the counts written."""
    today = today or timezone.now().date()
    remove_generated()
    written = Generator(seed, sizes, today, progress=progress).run()
    after_bulk_load(stdout=stdout)
    return written
