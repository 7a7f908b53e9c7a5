"""The event coder: parsed sentences in, explained event records out.

For each sentence: find actor names and role nouns; find predicates the dictionaries know;
pick each predicate's most specific pattern; take source and target from the parse; decide
modality and whether the event is asserted or claimed by a quoted speaker; emit one record per
source-target pair (and the reverse event for paired codes such as a visit and its hosting).
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

import tacitus
from tacitus.actors.codes import actor_ref
from tacitus.actors.matcher import (
    ActorMatcher,
    CodedActor,
    Mention,
    code_phrase,
    conjuncts,
    phrase_head,
)
from tacitus.actors.roster import Roster, document_words, is_definite, is_work
from tacitus.codebook import actor_type_plover_code, actor_type_sector
from tacitus.config import Settings
from tacitus.dictionaries.load import load_dictionaries
from tacitus.dictionaries.model import Dictionaries, Pattern, PredicateEntry, Slot
from tacitus.events import arguments
from tacitus.events.codes import describe_code
from tacitus.events.demands import demand_code, demand_reporter, reported_demand
from tacitus.events.modality import (
    intent_code,
    modality,
    own_modality,
    plover_auxiliary_mode,
)
from tacitus.events.ontology import combine, negatable, negate
from tacitus.events.patterns import Match, best_match, prepare
from tacitus.events.predicates import PredicateIndex
from tacitus.events.refusals import refusal_code, refusal_verbs
from tacitus.events.speech import (
    governing_speech_verb,
    in_quote,
    is_speech_verb,
    quote_spans,
    quote_speaker_verb,
)
from tacitus.language import language_data, word_set
from tacitus.limits import LimitExceeded, Limits
from tacitus.nlp import load_nlp
from tacitus.records import Article, EventRecord, Modality
from tacitus.resolve import (
    DateMention,
    DateResolution,
    Place,
    SentencePlaces,
    date_mentions,
    resolve_event_date,
    resolve_event_place,
    sentence_places,
)

_COMPLEMENTS = ("ccomp", "xcomp", "advcl", "conj", "parataxis", "csubj")
_LOWER_LINKS = ("xcomp", "ccomp", "advcl")
_STATEMENT = "010"
_REFUSAL_ORIGIN = "tacitus/data/language/refusal.yaml"
_SPEECH_ORIGIN = "tacitus/data/language/speech.yaml (demanding_speech_verbs)"
_PLURAL_TAGS = ("NNS", "NNPS")
#: Modifier links through which a list names several owners ("Arnor and Gondor leaders",
#: "Chilean and Peruvian officials", "Arnor and Gondor's envoys").
_LISTING_MODIFIERS = ("nmod", "compound", "poss", "amod")
_MATERIAL_CONFLICT = 4  # CAMEO quad class of force posture, coercion and violence
_UNIDENTIFIED = "---UAF"  # an unidentified armed force, as "gunmen" are coded


@dataclass(frozen=True)
class CoderOptions:
    """How strictly to code.

    `keep_modal` keeps negated, hypothetical, conditional and future events (marked as such)
    instead of dropping them. `require_dyad` drops events without a target, as PETRARCH does.
    `locative_targets` lets "in X" phrases give targets (PETRARCH's habit); by default they
    are places, not actors. `keep_claimed` keeps events claimed by a quoted speaker.
    `loose_targets` falls back to the first actor anywhere after the predicate in its clause
    when the parse gives no target (PETRARCH's phrase-based habit; off by default because it
    takes actors from the wrong clause). `negation_codes` codes a negated verb as the
    ontology's negated code ("did not disapprove" -> 050) when an ontology is loaded;
    `absorb_lower` merges a verb into the coded verb that governs it, as PETRARCH does.
    `document_country` gives a role with no country ("the army", "protesters") the country
    the document is about, when one country clearly dominates its actor mentions so far.
    `allegations` adds a speaker's accusation of whoever they say used force (PLOVER's
    informal allegation; PETRARCH's suites expect only the reported event).
    `reported_demands` codes a speaker's statement that another must act ("said Y must
    withdraw") as a demand of them (`tacitus.events.demands`). `negated_refusals` codes a
    denied acceptance ("will not accept", "does not recognise") as a rejection
    (`tacitus.events.refusals`).
    """

    keep_modal: bool = False
    require_dyad: bool = False
    locative_targets: bool = False
    keep_claimed: bool = True
    loose_targets: bool = False
    negation_codes: bool = False
    absorb_lower: bool = False
    document_country: bool = True
    allegations: bool = True
    reported_demands: bool = True
    negated_refusals: bool = True
    explain: bool = False


@dataclass
class _Plan:
    """A predicate coded but not yet emitted: the coder may still merge embedded verbs."""

    predicate: Token
    entry: PredicateEntry
    match: Match | None
    code: str
    paired: str | None
    mood: Modality
    sources: list[CodedActor]
    targets: list[CodedActor]
    reciprocal: bool
    claimed: bool
    claimers: list[CodedActor]
    negated: bool = False


@dataclass(frozen=True)
class _Words:
    """A sentence's tokens, read once with their parts of speech: spaCy builds a new `Token`
    on every access, and the coder walks each sentence several times (predicates, actors,
    refusals, demands, works)."""

    tokens: list[Token]
    verbs: list[Token]
    nouns: list[Token]

    @classmethod
    def of(cls, sentence: Span) -> _Words:
        tokens = list(sentence)
        tags = [token.pos_ for token in tokens]
        return cls(tokens, [t for t, pos in zip(tokens, tags, strict=True) if pos == "VERB"],
                   [t for t, pos in zip(tokens, tags, strict=True) if pos == "NOUN"])


@dataclass
class _DocState:
    """What the coder remembers while walking one document (for pronouns)."""

    article: Article
    day: dt.date | None
    #: The parsed text, built once: `Doc.text` and `Span.text` join every token anew.
    text: str
    sentences: list[tuple[Span, list[Mention]]] = field(default_factory=list)
    #: Actors of `sentences[:_history_upto]`, extended only when a pronoun needs them: a
    #: sentence's actors never change once it is coded, so long documents stay linear.
    _history: list[CodedActor] = field(default_factory=list)
    _history_upto: int = 0
    #: Named entities of each sentence by its first token (`Span.ents` walks every entity
    #: of the document, so asking each sentence for its own made long documents quadratic).
    entities: dict[int, list[Span]] = field(default_factory=dict)
    #: Actors of each phrase head in the current sentence: patterns, arguments and speakers
    #: ask for the same heads, and the answer cannot change within a sentence.
    phrase_actors: dict[int, list[CodedActor]] = field(default_factory=dict)
    #: Spans of quoted speech (character offsets), and how often each country was named.
    quotes: list[tuple[int, int]] = field(default_factory=list)
    countries: Counter[str] = field(default_factory=Counter)
    #: People and works the document has introduced (`tacitus.actors.roster`).
    roster: Roster = field(default_factory=Roster)
    #: Date expressions and place mentions of the sentence starting at the given token.
    _settings: tuple[int, list[DateMention], SentencePlaces] | None = field(
        default=None, init=False, repr=False)

    def history(self) -> list[CodedActor]:
        """Actors of the sentences coded so far, worked out only when a pronoun needs them."""
        for sentence, mentions in self.sentences[self._history_upto :]:
            self._history.extend(_sentence_actors(sentence, mentions))
        self._history_upto = len(self.sentences)
        return self._history

    def entities_of(self, sentence: Span) -> list[Span]:
        """The named entities inside `sentence`."""
        return self.entities.get(sentence.start, [])

    def settings_of(self, sentence: Span) -> tuple[list[DateMention], SentencePlaces]:
        """The sentence's date expressions and place mentions, found once for all its events
        (each event then only ranks them by how close they hang to its trigger)."""
        if self._settings is None or self._settings[0] != sentence.start:
            entities = self.entities_of(sentence)
            self._settings = (sentence.start, date_mentions(sentence, entities),
                              sentence_places(sentence, entities))
        return self._settings[1], self._settings[2]

    def home_country(self, excluding: frozenset[str] = frozenset()) -> str | None:
        """The country the document is about so far, if one clearly leads (`excluding` the
        countries that may not be the answer)."""
        ranked = [(country, count) for country, count in self.countries.most_common()
                  if country not in excluding][:2]
        if not ranked or (len(ranked) > 1 and ranked[1][1] == ranked[0][1]):
            return None
        return ranked[0][0]


class Coder:
    """Codes articles into event records with a fixed set of dictionaries."""

    def __init__(
        self,
        dictionaries: Dictionaries | None = None,
        settings: Settings | None = None,
        options: CoderOptions | None = None,
        nlp: Language | None = None,
        *,
        limits: Limits | None = None,
    ) -> None:
        self.settings = settings or Settings.from_env()
        self.limits = limits or Limits.from_env()
        self.dictionaries = dictionaries if dictionaries is not None else load_dictionaries()
        self.options = options or CoderOptions(keep_modal=self.settings.keep_modal)
        self._nlp = nlp
        self.predicates = PredicateIndex(self.dictionaries)
        self.actors = ActorMatcher(self.dictionaries)
        self._version: str | None = None

    @property
    def version(self) -> str:
        """What coded an article: Tacitus's version and a digest of the loaded dictionaries,
        so that a store can tell which articles a dictionary change left to re-code."""
        if self._version is None:
            digest = hashlib.sha1(usedforsecurity=False)
            for entry in self.dictionaries.predicates:
                digest.update(f"{entry.lemma}|{entry.code}|{entry.origin}|".encode())
                for pattern in entry.patterns:
                    digest.update(f"{pattern.rule}|{pattern.code}|".encode())
            for actor in self.dictionaries.actors:
                digest.update(f"{' '.join(actor.words)}|{actor.codes}|".encode())
            for agent in self.dictionaries.agents:
                digest.update(f"{' '.join(agent.words)}|{agent.code}|".encode())
            self._version = f"tacitus {tacitus.__version__} dictionaries {digest.hexdigest()[:12]}"
        return self._version

    @property
    def nlp(self) -> Language:
        if self._nlp is None:
            self._nlp = load_nlp(self.settings.spacy_model)
        return self._nlp

    # ------------------------------------------------------------------ public API

    @contextmanager
    def memory_zone(self) -> Iterator[None]:
        """A block at whose end spaCy forgets the words it first met inside it.

        spaCy keeps every new word (a name, a number, a typo) in the model's vocabulary for
        good, so a process that codes a large corpus grows with the corpus: an ingest worker
        peaked at 420 MiB over 1,000 documents and 446 MiB over 300,000 (424 MiB coding in
        zones). A spaCy memory zone drops those words at its end. Records hold plain strings
        and numbers, never spaCy objects, so nothing coded inside a zone needs what it
        forgets. Zones must not nest: inside one already open this opens none.
        """
        nlp = self.nlp
        # spaCy's type stubs do not list Vocab.in_memory_zone yet (spaCy 3.8 has it).
        if nlp.vocab.in_memory_zone:  # type: ignore[attr-defined]
            yield
            return
        with nlp.memory_zone():
            yield

    def code_article(self, article: Article) -> list[EventRecord]:
        """The article's events; `LimitExceeded` if it breaks a limit (`tacitus.limits`)."""
        if problem := self.limits.screen(article.text):
            raise LimitExceeded(problem)
        with self.memory_zone():
            return self.code_doc(self.nlp(article.text), article)

    def code_articles(self, articles: Iterable[Article], batch_size: int = 32
                      ) -> Iterator[tuple[Article, list[EventRecord]]]:
        """Code many articles, parsing them in batches with spaCy's `pipe`.

        An article over a size limit is not parsed (spaCy gets an empty text in its place);
        `LimitExceeded` is raised when its turn comes, which ends this generator, so callers
        that must go on use `tacitus.limits.code_within_limits`. A long run codes each batch
        inside `memory_zone` (tacitus.ingest does); a generator cannot hold a zone itself,
        since it could end after a zone opened later.
        """
        screened = ((a, self.limits.screen(a.text)) for a in articles)
        pairs = (("" if problem else a.text, (a, problem)) for a, problem in screened)
        for doc, (article, problem) in self.nlp.pipe(pairs, as_tuples=True,
                                                     batch_size=batch_size):
            if problem:
                raise LimitExceeded(problem)
            yield article, self.code_doc(doc, article)

    def code_text(self, text: str, date: dt.date | None = None, doc_id: str = "text"
                  ) -> list[EventRecord]:
        return self.code_article(Article(id=doc_id, text=text, published=date))

    def code_doc(self, doc: Doc, article: Article) -> list[EventRecord]:
        text = doc.text
        state = _DocState(article, article.published, text, quotes=quote_spans(text))
        if self._story_discarded(doc):
            return []
        sentences = list(doc.sents)
        for index, sentence in enumerate(sentences):
            self.limits.check_sentence(len(sentence), index)
        state.entities = _entities_by_sentence(doc, sentences)
        deadline = self.limits.deadline()
        records: list[EventRecord] = []
        for index, sentence in enumerate(sentences):
            deadline.check(index, len(sentences))
            records.extend(self._code_sentence(sentence, index, state))
        return records

    # ------------------------------------------------------------------ sentences

    def _story_discarded(self, doc: Doc) -> bool:
        story = [d for d in self.dictionaries.discards if d.story]
        return any(_contains(doc, d.words) for d in story)

    def _sentence_discarded(self, sentence: Span) -> bool:
        return any(
            _contains(sentence, d.words) for d in self.dictionaries.discards if not d.story
        )

    def _code_sentence(self, sentence: Span, index: int, state: _DocState) -> list[EventRecord]:
        if self._sentence_discarded(sentence):
            return []
        words = _Words.of(sentence)
        mentions = self.actors.mentions(sentence, state.day, words.tokens)
        state.phrase_actors.clear()
        state.countries.update(
            country for m in mentions if not m.agent and (country := _country_of(m.code))
        )
        mentions = self._with_document_people(sentence, mentions, state)
        found = {predicate.i: entries
                 for predicate, entries in self.predicates.find(words.tokens)}
        if self.options.negated_refusals:
            found.update(_refusal_candidates(words.verbs, found))
        plans = [
            plan
            for index_, entries in found.items()
            if (plan := self._plan(words.tokens[index_ - sentence.start], entries, mentions,
                                   state)) is not None
        ]
        plans = _drop_nouns_of_coded_verbs(plans)
        if self.options.reported_demands:
            plans = self._reported_demands(words.verbs, found, plans, mentions, state)
        if self.options.allegations:
            plans.extend(_allegations(plans))
        if self.options.absorb_lower:
            plans = self._absorb(plans)
        records: list[EventRecord] = []
        for plan in plans:
            records.extend(self._emit(plan, sentence, index, state))
        self._remember_works(words.nouns, mentions, state)
        state.sentences.append((sentence, mentions))
        return records

    def _plan(
        self,
        predicate: Token,
        entries: list[PredicateEntry],
        mentions: list[Mention],
        state: _DocState,
    ) -> _Plan | None:
        entry, match = self._best_pattern(predicate, entries)
        code = match.pattern.code if match else entry.code
        paired = match.pattern.paired if match else entry.paired
        refused = refusal_code(predicate, code) if self.options.negated_refusals else None
        if refused is not None:
            code, paired = refused, None  # "will not accept": the denial is the event
        if not code or code == "---":
            return None
        mood = "asserted" if refused else modality(predicate)
        if mood == "asserted" and _bare_infinitive(predicate):
            mood = "future"  # "To join the revolution and defend the people.": an appeal
        ontology = self.dictionaries.ontology
        if self.options.negation_codes and ontology and own_modality(predicate) == "negated" \
                and negatable(code) and refused is None:
            negated = negate(ontology, code)
            if negated is None:
                return None
            code, paired, mood, negated_code = negated, None, "asserted", True
        else:
            negated_code = False
        if mood == "future" and not self.options.keep_modal:
            intended = intent_code(predicate, describe_code(code).quad_class)
            if intended is None:
                return None
            code, paired, mood = intended, None, "asserted"
        if mood != "asserted" and not self.options.keep_modal:
            return None
        speech = governing_speech_verb(predicate)
        quoted = in_quote(predicate, state.quotes)
        if quoted and speech is None:
            speech = quote_speaker_verb(predicate)
        claimed = speech is not None or quoted
        if claimed and not self.options.keep_claimed:
            return None
        sources, targets = self._arguments(predicate, match, mentions, state)
        if not sources and describe_code(code).quad_class == _MATERIAL_CONFLICT:
            sources = self._weapon_user(predicate, mentions, state)
        reciprocal = bool(match and match.pattern.reciprocal) and len(sources) > 1
        if reciprocal:
            targets = []
        claimers = self._speaker(speech, mentions, state) if speech is not None else []
        return _Plan(predicate, entry, match, code, paired, mood, sources, targets,
                     reciprocal, claimed, claimers, negated_code)

    def _reported_demands(self, verbs: list[Token], found: dict[int, list[PredicateEntry]],
                          plans: list[_Plan], mentions: list[Mention], state: _DocState
                          ) -> list[_Plan]:
        """"X said Y must Z": X's plain statement becomes X's demand of Y, coded by what Z is
        (`tacitus.events.demands`). An obligation of the speaker themselves ("Vietnam said it
        must defend its waters") stays a statement. `verbs` are the sentence's verbs: only a
        verb is a demanded act."""
        by_token = {plan.predicate.i: plan for plan in plans}
        demands: dict[tuple[int, str], _Plan] = {}
        for act in verbs:
            demand = reported_demand(act)
            statement = self._reporting_plan(demand.head, by_token, mentions, state) \
                if demand else None
            if demand is None or statement is None or not _plain_report(statement.code):
                continue
            speakers = {s.cameo for s in statement.sources}
            obliged = [] if arguments.is_passive(demand.clause) else self._actors_of(
                arguments.subject_heads(demand.clause), mentions, state)
            if obliged and {o.cameo for o in obliged} <= speakers:
                continue
            act_code, act_origin = self._act_code(act, found.get(act.i))
            code = demand_code(act_code, demand.forbidden)
            entry = dataclasses.replace(
                statement.entry, origin=f"{statement.entry.origin} (demands {act_origin})")
            demands.setdefault((statement.predicate.i, code), dataclasses.replace(
                statement, entry=entry, code=code, paired=None,
                targets=[o for o in obliged if o.cameo not in speakers]))
        replaced = {index for index, _ in demands}
        return [p for p in plans if p.predicate.i not in replaced] + list(demands.values())

    def _reporting_plan(self, head: Token, plans: dict[int, _Plan], mentions: list[Mention],
                        state: _DocState) -> _Plan | None:
        """The coded act that reports a demand: the verb of saying itself, or for a demand
        noun the verb it is the object of ("reiterated its demand that ..."). A verb of saying
        the dictionaries leave uncoded ("declared that ...") is planned as a statement."""
        verb = head
        if head.pos_ in ("NOUN", "PROPN"):
            verb = head.head.head if head.dep_ == "pobj" else head.head
        if verb.i in plans or not demand_reporter(verb):
            return plans.get(verb.i)
        statement = PredicateEntry(lemma=verb.lemma_.lower(), code=_STATEMENT,
                                   origin=_SPEECH_ORIGIN)
        return self._plan(verb, [statement], mentions, state)

    def _act_code(self, act: Token, entries: list[PredicateEntry] | None
                  ) -> tuple[str | None, str]:
        """The code of an act the dictionaries know (None otherwise), and where it is from."""
        if not entries:
            return None, act.lemma_
        entry, match = self._best_pattern(act, entries)
        code = match.pattern.code if match else entry.code
        return (None if code == "---" else code), entry.origin

    def _best_pattern(self, predicate: Token, entries: list[PredicateEntry]
                      ) -> tuple[PredicateEntry, Match | None]:
        """The entry and pattern that fit best: the predicate's own phrases first, then
        (only if nothing matched there) its to-infinitive complement."""
        if not any(entry.patterns for entry in entries):
            return _default_entry(entries), None  # a third of the entries: no regions to read
        before = _subject_region(predicate)
        heads = frozenset(h.i for c in arguments.subject_heads(predicate)
                          for h in [*conjuncts(c), *_listed_heads(c)])
        own = _own_region(predicate)
        complement = _complement_region(predicate, own)
        for after in (own, complement) if complement is not own else (own,):
            entry, match = entries[0], None
            regions = prepare(before, after)
            for candidate in entries:
                found = best_match(candidate.patterns, regions, heads)
                if found and (match is None or len(found.tokens) > len(match.tokens)):
                    entry, match = candidate, found
            if match is not None:
                return entry, match
        return _default_entry(entries), None

    def _absorb(self, plans: list[_Plan]) -> list[_Plan]:
        """PETRARCH's reading of embedded verbs: a coded verb governing another coded verb
        absorbs it ("indicated it would act" is one event, not two)."""
        by_token = {plan.predicate.i: plan for plan in plans}
        absorbed: set[int] = set()
        for plan in plans:
            upper = _governing_plan(plan.predicate, by_token)
            if upper is None or upper.predicate.i in absorbed or not _named(upper.sources) \
                    or not _named(plan.sources) or _assigns_roles(plan.match):
                continue
            absorbed.add(plan.predicate.i)
            if upper.code == _STATEMENT:
                continue
            same_source = {s.cameo for s in upper.sources} == {s.cameo for s in plan.sources}
            merged = None if upper.negated else combine(
                self.dictionaries.ontology, upper.code, plan.code)
            if merged:
                upper.code = merged
            if not same_source and plan.sources and not upper.targets:
                upper.targets = plan.sources
            elif same_source and not upper.targets:
                upper.targets = plan.targets
        return [plan for plan in plans if plan.predicate.i not in absorbed]

    def _emit(self, plan: _Plan, sentence: Span, index: int, state: _DocState
              ) -> list[EventRecord]:
        targets = plan.targets
        if not plan.sources or (self.options.require_dyad and not targets and
                                not plan.reciprocal):
            return []
        pairs = _pairs(plan.sources, targets, plan.reciprocal)
        if self.options.require_dyad:
            pairs = [(s, t) for s, t in pairs if t is not None]
        records: list[EventRecord] = []
        entities = state.entities_of(sentence)
        dates, places = state.settings_of(sentence)
        when = resolve_event_date(sentence, plan.predicate, state.day, entities, dates)
        where = resolve_event_place(sentence, plan.predicate, entities, places)
        for source, target in pairs:
            records.append(self._record(plan, plan.code, source, target, (sentence, index), state,
                                        (when, where)))
            if plan.paired and plan.paired != "---" and target is not None:
                records.append(self._record(plan, plan.paired, target, source,
                                            (sentence, index), state, (when, where)))
        return records

    # ------------------------------------------------------------------ arguments

    def _arguments(
        self,
        predicate: Token,
        match: Match | None,
        mentions: list[Mention],
        state: _DocState,
    ) -> tuple[list[CodedActor], list[CodedActor]]:
        passive = arguments.is_passive(predicate)
        if predicate.pos_ in ("NOUN", "PROPN"):
            subjects = next((found for group in arguments.noun_source_candidates(predicate)
                             if (found := self._actors_of(group, mentions, state))), [])
        else:
            subjects = self._actors_of(arguments.subject_heads(predicate), mentions, state)
        objects_heads = arguments.object_heads(predicate, not self.options.locative_targets)
        if passive:
            sources = self._actors_of(arguments.agent_heads(predicate), mentions, state)
            targets = subjects or self._actors_of(arguments.modified_noun(predicate), mentions,
                                                  state)
            objects_heads = [h for h in objects_heads if h.head.lower_ != "by"]
        else:
            sources = subjects
            targets = []
        if not targets:
            for head in objects_heads:
                targets = self._actors_of([head], mentions, state)
                if targets and not (is_work(head) and _same_actors(targets, sources)):
                    break  # "adopted a resolution with X": the work is the source's own
        if passive and not sources and not self.options.loose_targets:
            sources = self._announcing_government(predicate, mentions, state)
        if self.options.loose_targets:
            if not sources and passive:
                sources = self._first_after(predicate, mentions, state, targets)
            if not targets:
                targets = self._first_after(predicate, mentions, state, sources)
        if match is not None:
            sources, targets = _apply_slots(match, subjects, sources, targets, predicate.doc,
                                            mentions,
                                            lambda h: self._actors_of([h], mentions, state))
        sources = _not_the_targets_country(predicate, sources, targets, mentions, state)
        source_codes = {s.cameo for s in sources}
        targets = [t for t in targets if t.cameo not in source_codes or len(sources) > 1
                   or _other_person(t, sources)]
        return sources, targets

    def _weapon_user(self, predicate: Token, mentions: list[Mention], state: _DocState
                     ) -> list[CodedActor]:
        """Who used the weapon an unattributed attack names: its owner ("a bombing by the
        rebels", "a Turkish airstrike"), else an unidentified armed force, so the attack is
        not lost."""
        for head in arguments.weapon_heads(predicate):
            named = next((found for group in arguments.own_source_candidates(head)
                          if group and (found := self._actors_of(group, mentions, state))),
                         self._actors_of([head], mentions, state))
            return named or [CodedActor(_UNIDENTIFIED, head.i, head.i, head.i + 1,
                                        ("weapon without a named user",), "agent")]
        return []

    def _announcing_government(self, predicate: Token, mentions: list[Mention],
                               state: _DocState) -> list[CodedActor]:
        """"The foreign ministry declares that X has been relieved of his duties": an
        agentless passive announced by a government body is that body's own act."""
        speech = governing_speech_verb(predicate)
        if speech is None:
            return []
        speakers = self._speaker(speech, mentions, state)
        return [s for s in speakers if "GOV" in s.cameo[3:]]

    def _first_after(self, predicate: Token, mentions: list[Mention], state: _DocState,
                     others: list[CodedActor]) -> list[CodedActor]:
        """The first actor after the predicate in its clause that is not already used."""
        positions = {t.i for t in _complement_region(predicate)}
        used = {o.cameo for o in others}
        for mention in mentions:
            if mention.start in positions and not mention.agent:
                head = phrase_head(predicate.doc[mention.end - 1])
                found = [f for f in self._actors_of([head], mentions, state)
                         if f.cameo not in used]
                if found:
                    return found
        return []

    def _actors_of(self, heads: Sequence[Token], mentions: list[Mention], state: _DocState
                   ) -> list[CodedActor]:
        """Actors of the phrases headed by `heads`, one per conjunct and per listed owner."""
        coded: list[CodedActor] = []
        for head in heads:
            known = state.phrase_actors.get(head.i)
            if known is None:
                known = state.phrase_actors[head.i] = self._actors_of_head(head, mentions, state)
            coded.extend(known)
        return coded

    def _actors_of_head(self, head: Token, mentions: list[Mention], state: _DocState
                        ) -> list[CodedActor]:
        """The actors of one head and its conjuncts (uncached: see `_actors_of`)."""
        coded: list[CodedActor] = []
        first: CodedActor | None = None
        members = conjuncts(head)
        shared = _shared_owners(members, mentions)
        for conjunct in members:
            listed = _listed_modifiers(conjunct, mentions)
            if listed:
                coded.extend(listed)
                continue
            actor = _named_in_apposition(conjunct, mentions) or code_phrase(conjunct,
                                                                            mentions)
            if actor is None and conjunct.lower_ in document_words("first_person") and \
                    in_quote(conjunct, state.quotes):
                actor = self._quoted_speaker(conjunct, mentions, state)
            elif actor is None and conjunct.lower_ in word_set("pronouns"):
                actor = _antecedent(conjunct, mentions, state)
            if actor is None and is_work(conjunct):
                actor = self._work_author(conjunct, mentions, state)
            if actor is None:
                continue
            if actor.cameo.startswith("---") and shared:
                coded.extend(CodedActor(o.cameo + actor.cameo[3:], conjunct.i, o.start,
                                        o.end, o.origins + actor.origins, o.kind)
                             for o in shared)
                continue
            if first is not None and actor.cameo.startswith("---") and not \
                    first.cameo.startswith("---"):
                actor = _inherit_owner(actor, first, conjunct, mentions)
            if actor.cameo.startswith("---") and self.options.document_country and \
                    (home := state.home_country()):
                actor = dataclasses.replace(actor, cameo=home + actor.cameo[3:],
                                            origins=(*actor.origins, "document country"))
            first = first or actor
            coded.extend(_distribute_owners(conjunct, actor, mentions))
        return coded

    def _speaker(self, speech: Token, mentions: list[Mention], state: _DocState
                 ) -> list[CodedActor]:
        return self._actors_of(arguments.subject_heads(speech), mentions, state)

    def _quoted_speaker(self, pronoun: Token, mentions: list[Mention], state: _DocState
                        ) -> CodedActor | None:
        """""I have joined," he said": inside a quotation "I" and "we" are the speaker
        named outside it."""
        for verb in pronoun.sent:
            if is_speech_verb(verb) and not in_quote(verb, state.quotes):
                speakers = self._speaker(verb, mentions, state)
                if speakers:
                    return speakers[0]
        return None

    def _work_author(self, work: Token, mentions: list[Mention], state: _DocState
                     ) -> CodedActor | None:
        """Who a draft, plan or statement stands for: its possessor ("his argument"), the
        `by` phrase of its participle ("a plan drafted by X"), the work of that name met
        before ("the draft"), or the subject that makes it ("X circulated a draft")."""
        owners = [c for c in work.children if c.dep_ == "poss"]
        owners.extend(h for c in work.children if c.dep_ == "acl"
                      and c.lemma_.lower() in document_words("authoring_verbs")
                      for h in arguments.agent_heads(c))
        possessives: dict[str, str] = language_data("document")["possessive_pronouns"]
        for owner in owners:
            found = self._actors_of([owner], mentions, state)
            if found:
                return found[0]
            if owner.lower_ in possessives:
                return _antecedent(owner, mentions, state, possessives[owner.lower_])
        if is_definite(work):
            return state.roster.work_author(work)
        if work.dep_ in ("dobj", "obj") and work.head.pos_ == "VERB":
            found = self._actors_of(arguments.subject_heads(work.head), mentions, state)
            return found[0] if found else None
        return None

    def _with_document_people(self, sentence: Span, mentions: list[Mention],
                              state: _DocState) -> list[Mention]:
        """The sentence's mentions plus the people the document has given a role
        (`tacitus.actors.roster`)."""
        def role_code(head: Token) -> list[CodedActor]:
            return self._actors_of_head(head, mentions, state)

        added = state.roster.mentions(sentence, mentions, role_code)
        if added:
            mentions = sorted([*mentions, *added], key=lambda m: m.start)
        state.roster.learn_titled(sentence, mentions, role_code)
        state.phrase_actors.clear()
        return mentions

    def _remember_works(self, nouns: list[Token], mentions: list[Mention], state: _DocState
                        ) -> None:
        """Works the sentence introduces ("X circulated a draft"), for "the draft" later.
        `nouns` are the sentence's common nouns: only a common noun names a work."""
        for token in nouns:
            if is_work(token) and not is_definite(token):
                author = self._work_author(token, mentions, state)
                if author is not None:
                    state.roster.add_work(token, author)

    # ------------------------------------------------------------------ records

    def _record(
        self,
        plan: _Plan,
        code: str,
        source: CodedActor,
        target: CodedActor | None,
        located: tuple[Span, int],
        state: _DocState,
        setting: tuple[DateResolution, Place | None],
    ) -> EventRecord:
        """One event record; `located` is the sentence and its number in the document."""
        predicate, entry, match = plan.predicate, plan.entry, plan.match
        sentence, index = located
        when, where = setting
        mood, claimed, claimers = plan.mood, plan.claimed, plan.claimers
        doc = predicate.doc
        described = describe_code(code)
        rule = f"{entry.origin} {match.pattern.rule}" if match else entry.origin
        article = state.article
        target_code = target.cameo if target else ""
        key = f"{article.id}|{index}|{predicate.idx}|{code}|{source.cameo}|{target_code}"
        event_id = hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]
        confidence = 0.55 + (0.2 if match else 0.0) + (0.1 if target else 0.0) - (
            0.1 if claimed else 0.0
        )
        return EventRecord(
            id=event_id,
            doc_id=article.id,
            date=when.date,
            date_source=when.source,
            event=described.event,
            mode=plover_auxiliary_mode(mood) or described.mode,
            context=list(described.context),
            actor=[actor_ref(source, doc, state.text)],
            recipient=[actor_ref(target, doc, state.text)] if target else [],
            cameo_code=code,
            goldstein=described.goldstein,
            quad_class=described.quad_class,
            sentence_index=index,
            sentence_text=state.text[sentence.start_char : sentence.end_char],
            sentence_start=sentence.start_char,
            event_text=predicate.text,
            event_start=predicate.idx,
            event_end=predicate.idx + len(predicate.text),
            rule=rule,
            confidence=round(min(confidence, 0.95), 2),
            evidence="claimed" if claimed else "asserted",
            claimed_by=[actor_ref(c, doc, state.text) for c in claimers],
            modality=mood,
            place=where.to_dict() if where else None,
            explain=_explain(predicate, entry, match, source, target) if self.options.explain
            else [],
        )


def _entities_by_sentence(doc: Doc, sentences: list[Span]) -> dict[int, list[Span]]:
    """Each sentence's named entities (those wholly inside it), by the sentence's first token,
    from one pass over the document's entities."""
    starts = [sentence.start for sentence in sentences]
    found: dict[int, list[Span]] = {}
    for ent in doc.ents:
        at = bisect.bisect_right(starts, ent.start) - 1
        if at >= 0 and ent.end <= sentences[at].end:
            found.setdefault(starts[at], []).append(ent)
    return found


def _default_entry(entries: list[PredicateEntry]) -> PredicateEntry:
    """With no pattern matched: the first entry that codes the bare word (another file's
    "---" default must not hide a real one)."""
    return next((e for e in entries if e.code != "---"), entries[0])


def _subject_region(predicate: Token) -> list[Token]:
    """Words a pattern may ask for before `*`: the subject phrase, nearest word first."""
    heads = [c for c in predicate.children if c.dep_ in arguments.SUBJECT_DEPS]
    tokens = [t for h in heads for t in h.subtree if t.dep_ not in ("cc", "preconj")]
    return sorted(tokens, key=lambda t: -t.i)


def _own_region(predicate: Token) -> list[Token]:
    """Words after the predicate in its own phrases (objects, prepositional phrases)."""
    noun = arguments.misparsed_object(predicate)
    if noun is not None:
        kept = [c for c in noun.children if c.i > noun.i and c.dep_ not in _COMPLEMENTS]
        return sorted([noun, *(t for c in kept for t in c.subtree)], key=lambda t: t.i)
    # Subtrees are contiguous spans (left_edge..right_edge) in spaCy's projective parses:
    # slicing by index is much cheaper than walking `subtree` for every predicate.
    doc = predicate.doc
    excluded = [(c.left_edge.i, c.right_edge.i) for c in predicate.children
                if c.dep_ in _COMPLEMENTS]
    return [doc[i] for i in range(predicate.i + 1, predicate.right_edge.i + 1)
            if not any(start <= i <= end for start, end in excluded)]


def _complement_region(predicate: Token, own: list[Token] | None = None) -> list[Token]:
    """The own region plus to-infinitive complements ("vowed to wage war on ...", and "allowed
    the inspectors to visit ...", where spaCy often makes the infinitive a `ccomp`)."""
    spans = [(c.left_edge.i, c.right_edge.i) for c in predicate.children
             if (c.dep_ in ("xcomp", "advcl") and any(a.lower_ == "to" for a in c.children))
             or (c.dep_ == "ccomp" and any(a.dep_ == "aux" and a.lower_ == "to"
                                           for a in c.children))]
    own = own if own is not None else _own_region(predicate)
    if not spans:
        return own
    doc = predicate.doc
    positions = {t.i for t in own} | {i for start, end in spans for i in range(start, end + 1)}
    return [doc[i] for i in sorted(positions)]


def _governing_plan(predicate: Token, plans: dict[int, _Plan]) -> _Plan | None:
    """The coded verb this one hangs from by a complement link (through conjunctions)."""
    token = predicate
    while token.dep_ == "conj" and token.head.i != token.i:
        token = token.head
    if token.dep_ not in _LOWER_LINKS or token.head.i == token.i:
        return None
    if token.dep_ == "ccomp" and token.i < token.head.i:
        return None  # "X did Y, an official said": the report is not the event's governor
    return plans.get(token.head.i)


def _refusal_candidates(verbs: list[Token], found: dict[int, list[PredicateEntry]]
                        ) -> dict[int, list[PredicateEntry]]:
    """Verbs of acceptance the dictionaries do not code ("tolerate"): they are events only
    when denied, so they enter with no code of their own (see `tacitus.events.refusals`)."""
    return {token.i: [PredicateEntry(lemma=token.lemma_.lower(), code="---",
                                     origin=_REFUSAL_ORIGIN)]
            for token in verbs
            if token.i not in found and token.lemma_.lower() in refusal_verbs()}


def _plain_report(code: str) -> bool:
    """A statement (CAMEO 01) or a demand with no more specific code: what a reported demand
    may refine. Other codes ("warned" as a threat) already say more and are kept."""
    return code[:2] == _STATEMENT[:2] or code == language_data("demand")["default"]


def _drop_nouns_of_coded_verbs(plans: list[_Plan]) -> list[_Plan]:
    """"Imposed sanctions on Syria" is one event: a verb's pattern already read the noun."""
    verbs = {p.predicate.i for p in plans if not p.entry.noun}
    kept: list[_Plan] = []
    for plan in plans:
        token = plan.predicate
        governor = token.head.head if token.dep_ == "pobj" else token.head
        if plan.entry.noun and governor.i in verbs and governor.i != token.i:
            continue
        kept.append(plan)
    return kept


def _allegations(plans: list[_Plan]) -> list[_Plan]:
    """"X said (that) Y had been killing civilians": a named speaker reporting another's use
    of force accuses them (`tacitus/data/language/allegation.yaml`). The accusation is built
    on the speaker's own statement, from the speaker to the claimed perpetrators."""
    data = language_data("allegation")
    by_token = {plan.predicate.i: plan for plan in plans}
    added: list[_Plan] = []
    for plan in plans:
        if not plan.claimed or plan.mood != "asserted" or \
                describe_code(plan.code).quad_class not in data["quad_classes"]:
            continue
        speech = governing_speech_verb(plan.predicate)
        if speech is None or speech.i > plan.predicate.i:
            continue  # "Y attacked Z, officials said" is the reporter's sourcing
        statement = by_token.get(speech.i)
        if statement is None or not _named(statement.sources) or \
                describe_code(statement.code).event is not None:
            continue  # only a plain statement becomes an accusation ("accused X of" is one)
        speakers = {s.cameo for s in statement.sources}
        accused = [s for s in _named(plan.sources) if s.cameo not in speakers]
        if not accused or any(a.predicate.i == speech.i and a.targets == accused
                              for a in added):
            continue
        entry = dataclasses.replace(
            statement.entry, origin=f"{statement.entry.origin} (alleges {plan.entry.origin})")
        added.append(dataclasses.replace(statement, entry=entry, code=data["code"],
                                         paired=None, targets=accused))
    return added


def _assigns_roles(match: Match | None) -> bool:
    """A pattern that places source or target itself describes a complete event."""
    return match is not None and (match.source_from is not None or match.target_from is not None)


def _country_of(code: str) -> str | None:
    """The country part of a CAMEO actor code, or None for international and unknown actors."""
    head = code[:3]
    if len(head) < 3 or not head.isalpha() or not head.isupper():
        return None
    return None if actor_type_plover_code(head) or actor_type_sector(head) else head


def _not_the_targets_country(predicate: Token, sources: list[CodedActor],
                             targets: list[CodedActor], mentions: list[Mention],
                             state: _DocState) -> list[CodedActor]:
    """A source that took the document's country must not take the country of a foreign envoy
    or embassy the event is about (its target, or one in its own phrases): in "Defence Minister
    Tamm threatened to expel the Russian attache" the minister is not Russia's. Such a source
    takes the next leading country, else stays unnamed. Only envoys: most events with a target
    of the same country as the document's are domestic ("reneged on his promise to the Zambian
    people")."""
    if not any("document country" in s.origins for s in sources):
        return sources
    doc = predicate.doc
    envoys = word_set("envoys")
    positions = {t.i for t in _complement_region(predicate)}
    countries = frozenset(
        c for code, head in [*((t.cameo, doc[t.head]) for t in targets),
                             *((m.code, phrase_head(doc[m.end - 1])) for m in mentions
                               if not m.agent and m.start in positions)]
        if head.lemma_.lower() in envoys and (c := _country_of(code)))
    kept: list[CodedActor] = []
    for source in sources:
        if "document country" in source.origins and source.cameo[:3] in countries:
            home = state.home_country(countries)
            origins = source.origins if home else tuple(
                o for o in source.origins if o != "document country")
            source = dataclasses.replace(source, cameo=(home or "---") + source.cameo[3:],
                                         origins=origins)
        kept.append(source)
    return kept


def _named(actors: list[CodedActor]) -> list[CodedActor]:
    """Actors with a known country or organisation (not just a role such as ---GOV)."""
    return [a for a in actors if not a.cameo.startswith("---")]


def _pairs(sources: list[CodedActor], targets: list[CodedActor], reciprocal: bool
           ) -> list[tuple[CodedActor, CodedActor | None]]:
    if reciprocal and not targets and len(sources) > 1:
        return [(s, t) for s in sources for t in sources if s is not t]
    if not targets:
        return [(s, None) for s in sources]
    return [(s, t) for s in sources for t in targets
            if s.cameo != t.cameo or _other_person(t, [s])]


def _same_actors(actors: list[CodedActor], others: list[CodedActor]) -> bool:
    return {a.cameo for a in actors} <= {o.cameo for o in others}


def _other_person(target: CodedActor, sources: list[CodedActor]) -> bool:
    """A person of the same code as the source is still someone else ("the ministry
    dismissed its envoy": both SYRGOV)."""
    return target.kind == "person" and all(s.head != target.head for s in sources)


def _bare_infinitive(predicate: Token) -> bool:
    """Is the predicate's clause a to-infinitive standing alone ("... to join the revolution
    and to defend the people.")? Such a fragment asks for an act; it reports none."""
    token = predicate
    while token.dep_ == "conj" and token.head.i != token.i:
        token = token.head
    return token.dep_ == "ROOT" and token.tag_ == "VB" and any(
        c.dep_ == "aux" and c.lower_ == "to" for c in token.children)


def _apply_slots(
    match: Match,
    subjects: list[CodedActor],
    sources: list[CodedActor],
    targets: list[CodedActor],
    doc: Doc,
    mentions: list[Mention],
    coder: Callable[[Token], list[CodedActor]],
) -> tuple[list[CodedActor], list[CodedActor]]:
    """A `$` or `+` in a pattern says where the source or target is, overriding the parse."""
    if any(isinstance(e, Slot) and e.kind == "+" for e in match.pattern.before) and subjects:
        targets = subjects
    if match.source_from is not None:
        found = _first_actor_from(doc, match.source_from, mentions, coder)
        if found:
            sources = found
            if subjects:  # "celebrate May Day with $": the subject is the one celebrated with
                targets = subjects
    if match.target_from is not None:
        found = _first_actor_from(doc, match.target_from, mentions, coder)
        if found:
            targets = found
    return sources, targets


def _first_actor_from(doc: Doc, start: int, mentions: list[Mention],
                      code: Callable[[Token], list[CodedActor]]) -> list[CodedActor]:
    for mention in sorted(mentions, key=lambda m: m.start):
        if mention.start >= start:
            found = code(phrase_head(doc[mention.end - 1]))
            if found:
                return found
    return []


def _sentence_actors(sentence: Span, mentions: list[Mention]) -> list[CodedActor]:
    """Every named actor of a sentence, coded as its phrase, for later pronouns."""
    coded: list[CodedActor] = []
    for mention in mentions:
        if not mention.agent:
            actor = code_phrase(phrase_head(sentence.doc[mention.end - 1]), mentions)
            if actor:
                coded.append(actor)
    return coded


def _named_in_apposition(head: Token, mentions: list[Mention]) -> CodedActor | None:
    """"Dr Assad's chief backer on the council, Russia, remained ...": a common noun that is
    no role of ours, named by a proper noun beside it, is that proper noun's actor (the
    possessor names a relation, not the actor)."""
    if head.pos_ != "NOUN" or any(m.agent and m.start <= head.i < m.end for m in mentions):
        return None
    nested = [o for p in head.children if p.dep_ == "prep" for o in p.children
              if o.dep_ == "pobj"]  # the parser may hang the name on "... on the council"
    for child in [*head.children, *(c for o in nested for c in o.children)]:
        if child.dep_ == "appos" and child.pos_ == "PROPN":
            named = code_phrase(child, mentions)
            if named is not None and not named.cameo.startswith("---"):
                return named
    return None


def _listed_modifiers(head: Token, mentions: list[Mention]) -> list[CodedActor]:
    """"Eriadori and Calenardhon leaders", "French and Egyptian warships": a coordinated
    modifier names several actors."""
    for child in head.children:
        if child.dep_ not in _LISTING_MODIFIERS or not any(
            c.dep_ == "conj" for c in child.children
        ):
            continue
        role = next((m.code for m in mentions if m.agent and m.start <= head.i < m.end), "")
        listed = [code_phrase(m, mentions) for m in conjuncts(child)]
        named = [a for a in listed if a is not None and not a.cameo.startswith("---")]
        if len(named) < 2:
            continue
        result = [CodedActor(a.cameo if a.cameo.endswith(role) else a.cameo + role,
                             a.head, a.start, a.end, a.origins, a.kind) for a in named]
        own = [m for m in mentions if not m.agent and m.start <= head.i < m.end]
        if own:
            result.append(CodedActor(own[0].code, head.i, own[0].start, own[0].end,
                                     (own[0].origin,), own[0].kind))
        return result
    return []


def _listed_heads(head: Token) -> list[Token]:
    """The coordinated modifiers of a head ("Chilean and Peruvian officials"): each is a
    member of a compound subject, as `%` patterns ask."""
    for child in head.children:
        if child.dep_ in _LISTING_MODIFIERS and any(c.dep_ == "conj" for c in child.children):
            return conjuncts(child)
    return []


def _shared_owners(members: list[Token], mentions: list[Mention]) -> list[CodedActor]:
    """"Lawmakers and officials in Arnor and Gondor": the last conjunct's "in/of" phrase
    names the owners of every conjunct."""
    for member in reversed(members):
        for prep in member.children:
            if prep.dep_ == "prep" and prep.lower_ in ("of", "in", "from"):
                owners = [code_phrase(o, mentions) for p in prep.children if p.dep_ == "pobj"
                          for o in conjuncts(p)]
                named = [o for o in owners if o is not None and not o.cameo.startswith("---")]
                if named:
                    return named
    return []


def _distribute_owners(head: Token, actor: CodedActor, mentions: list[Mention]
                       ) -> list[CodedActor]:
    """"Ambassadors of Arnor, Osgiliath and Gondor": one actor per owner in the list."""
    owners = [o for p in head.children if p.dep_ == "prep" and p.lower_ in ("of", "in", "from")
              for o in p.children if o.dep_ == "pobj"]
    if not owners or len(conjuncts(owners[0])) < 2 or not any(m.agent for m in mentions
                                                              if m.start == head.i):
        return [actor]
    agent_code = next(m.code for m in mentions if m.agent and m.start == head.i)
    spread: list[CodedActor] = []
    for owner in conjuncts(owners[0]):
        named = code_phrase(owner, mentions)
        if named is not None:
            spread.append(CodedActor(named.cameo + agent_code, head.i, named.start, named.end,
                                     named.origins + actor.origins, named.kind))
    return spread or [actor]


def _antecedent(pronoun: Token, mentions: list[Mention], state: _DocState,
                as_word: str | None = None) -> CodedActor | None:
    """The last actor before the pronoun; he/she prefer people and role-coded actors.
    `as_word` reads a possessive as its personal pronoun ("his" as "he")."""
    here = [a for a in _sentence_actors(pronoun.sent, mentions) if a.end <= pronoun.i]
    earlier = [a for a in [*state.history(), *here] if a.end <= pronoun.i]
    if (as_word or pronoun.lower_) in word_set("person_pronouns"):
        people = [a for a in earlier if (a.kind in ("person", "agent") or len(a.cameo) > 3)
                  and pronoun.doc[a.head].tag_ not in _PLURAL_TAGS]
        earlier = people or earlier
    return earlier[-1] if earlier else None


def _inherit_owner(actor: CodedActor, first: CodedActor, conjunct: Token,
                   mentions: list[Mention]) -> CodedActor:
    """"Danish media and government": the second conjunct shares the first's country."""
    head_agent = actor.cameo[3:]
    owner = first.cameo
    for mention in mentions:
        if mention.agent and mention.start <= first.head < mention.end:
            owner = owner.replace(mention.code, "", 1) if owner.endswith(mention.code) else owner
    return CodedActor(owner + head_agent, conjunct.i, actor.start, actor.end,
                      first.origins + actor.origins, first.kind)


def _contains(span: Doc | Span, words: tuple[str, ...]) -> bool:
    texts = [t.text.upper() for t in span]
    size = len(words)
    return any(tuple(texts[i : i + size]) == words for i in range(len(texts) - size + 1))


def _explain(predicate: Token, entry: PredicateEntry, match: Match | None,
             source: CodedActor, target: CodedActor | None) -> list[str]:
    lines = [
        f"predicate {predicate.text!r} ({predicate.pos_}, lemma {predicate.lemma_}, "
        f"dep {predicate.dep_}) -> entry {entry.lemma} [{entry.code}] at {entry.origin}",
        f"pattern {_describe_pattern(match.pattern)} at {match.pattern.rule}"
        if match else "no pattern matched: the entry's default code",
        f"source {source.cameo} from tokens {source.start}-{source.end} "
        f"({', '.join(source.origins)}) via {predicate.doc[source.head].dep_} "
        f"of {predicate.doc[source.head].head.text!r}",
    ]
    if target:
        lines.append(f"target {target.cameo} from tokens {target.start}-{target.end} "
                     f"({', '.join(target.origins)}) via {predicate.doc[target.head].dep_} "
                     f"of {predicate.doc[target.head].head.text!r}")
    return lines


def _describe_pattern(pattern: Pattern) -> str:
    return f"{len(pattern.before)} word(s) before, {len(pattern.after)} after -> [{pattern.code}]"


def build_coder(
    dictionary_paths: Sequence[Path] = (),
    use_defaults: bool = True,
    settings: Settings | None = None,
    options: CoderOptions | None = None,
    limits: Limits | None = None,
) -> Coder:
    """A coder with the built-in dictionaries and/or the given files."""
    return Coder(load_dictionaries(dictionary_paths, use_defaults), settings, options,
                 limits=limits)
