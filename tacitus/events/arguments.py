"""Who did it and to whom: source and target noun phrases from the dependency parse.

Sources come from the subject, or for passives from the `by` agent; verbs conjoined to a verb
share its subject ("defected and urged"); a controlled infinitive takes the controller ("urged
the army to turn": the army turns; "decided to attack": the subject attacks); a relative clause
takes the noun it modifies ("Fares, who ..."). Targets come from the direct object, then from
prepositional objects in order. Pronouns go to the last compatible actor before them.
"""

from __future__ import annotations

from spacy.tokens import Token

from tacitus.language import word_set

SUBJECT_DEPS = ("nsubj", "nsubjpass", "csubj", "expl")
OBJECT_DEPS = ("dobj", "dative", "oprd", "attr", "obj", "iobj")
OBJECT_CONTROL_HEADS_DEP = ("dobj", "dative", "obj")


def is_passive(predicate: Token) -> bool:
    return any(c.dep_ in ("nsubjpass", "auxpass") for c in predicate.children) or (
        predicate.tag_ == "VBN" and predicate.dep_ == "acl"
    )


def noun_source_candidates(noun: Token) -> list[list[Token]]:
    """Who does what an event noun names, best first: "Assad's crackdown", "a crackdown by
    the army", "the Syrian crackdown", then the subject of the verb whose object it is
    ("Russia held talks with"). The coder takes the first candidate that names an actor."""
    candidates = own_source_candidates(noun)
    if noun.dep_ in ("dobj", "attr", "oprd") and noun.head.pos_ in ("VERB", "AUX"):
        candidates.append(subject_heads(noun.head))
    elif noun.dep_ == "pobj" and noun.head.head.pos_ in ("VERB", "AUX"):
        candidates.append(subject_heads(noun.head.head))
    return [c for c in candidates if c]


def own_source_candidates(noun: Token) -> list[list[Token]]:
    """The doer a noun's own phrase names: "Assad's", "by the army", "the Syrian" (a weapon
    is never the object of its user's verb, so only these name whoever used it)."""
    candidates: list[list[Token]] = [[c] for c in noun.children if c.dep_ == "poss"]
    candidates.extend(
        [o for o in c.children if o.dep_ == "pobj"]
        for c in noun.children if c.dep_ == "prep" and c.lower_ == "by"
    )
    candidates.extend([c] for c in noun.children if c.dep_ in ("compound", "amod", "nmod"))
    return candidates


def misparsed_object(predicate: Token) -> Token | None:
    """The object of a verb the parser took for an adjective: in "Russia and China have
    blocked attempts", spaCy may make "blocked" a modifier of "attempts" and hang the
    auxiliary and the subject on the noun. Returns that noun, or None for a sound parse."""
    head = predicate.head
    if predicate.dep_ == "amod" and predicate.tag_ == "VBN" and head.i > predicate.i and any(
        c.dep_ == "aux" for c in head.children
    ):
        return head
    return None


def subject_heads(predicate: Token) -> list[Token]:
    """Heads of the subject phrase, following conjunction, control and relative clauses."""
    noun = misparsed_object(predicate)
    if noun is not None:
        return [c for c in noun.children if c.dep_ in ("nsubj", "nsubjpass")]
    if predicate.pos_ in ("NOUN", "PROPN"):
        candidates = noun_source_candidates(predicate)
        return candidates[0] if candidates else []
    subjects = [c for c in predicate.children if c.dep_ in ("nsubj", "nsubjpass", "csubj")]
    if subjects:
        if subjects[0].lower_ in word_set("relative_pronouns") and predicate.dep_ == "relcl":
            return [predicate.head]
        return subjects  # "Lions, tigers, and Gondor" can come out as two subjects
    link = predicate.dep_
    head = predicate.head
    if head.i == predicate.i:
        return []
    if link == "conj":
        return subject_heads(head)
    if link == "xcomp":
        controllers = [c for c in head.children if c.dep_ in OBJECT_CONTROL_HEADS_DEP]
        return controllers[:1] or subject_heads(head)
    if link in ("relcl", "acl") and head.pos_ in ("NOUN", "PROPN"):
        return [] if link == "acl" and predicate.tag_ == "VBN" else [head]
    if link in ("advcl", "pcomp", "ccomp", "acomp", "prep", "attr", "oprd", "advmod"):
        return subject_heads(head)
    return []


def modified_noun(predicate: Token) -> list[Token]:
    """The noun a passive participle describes ("armed groups backed by X": the groups are
    what X backs), as a one-element list, or nothing."""
    head = predicate.head
    if predicate.dep_ == "acl" and predicate.tag_ == "VBN" and head.i != predicate.i and \
            head.pos_ in ("NOUN", "PROPN"):
        return [head]
    return []


def agent_heads(predicate: Token) -> list[Token]:
    """The `by` phrase of a passive ("was attacked by X") and of a passive participle."""
    heads: list[Token] = []
    for child in predicate.children:
        if child.dep_ == "agent" or (child.dep_ == "prep" and child.lower_ == "by"):
            heads.extend(o for o in child.children if o.dep_ == "pobj")
    return heads


def weapon_heads(predicate: Token) -> list[Token]:
    """Weapons standing where a perpetrator would: the subject of an active verb ("a car bomb
    killed"), the `by` phrase or `in` phrase of a passive ("were killed in a blast")."""
    weapons = word_set("weapons")
    if is_passive(predicate):
        places = [o for c in predicate.children
                  if c.dep_ in ("agent", "prep") and c.lower_ in word_set("weapon_prepositions")
                  for o in c.children if o.dep_ == "pobj"]
    else:
        places = subject_heads(predicate)
    return [head for head in places if head.lemma_.lower() in weapons]


def object_heads(predicate: Token, skip_locative: bool) -> list[Token]:
    """Candidate target heads in order: objects, then prepositional objects (nested once)."""
    found: list[Token] = []
    noun = misparsed_object(predicate)
    if noun is not None:
        found.append(noun)
    children = sorted(predicate.children, key=lambda t: t.i)
    for child in children:
        if child.dep_ in OBJECT_DEPS:
            found.append(child)
    for child in children:
        if child.dep_ == "ccomp" and child.i > predicate.i:
            found.extend(c for c in child.children if c.dep_ in ("nsubj", "nsubjpass"))
    for child in children:
        if child.dep_ == "prt":
            found.extend(o for o in child.children if o.dep_ == "pobj")
        if child.dep_ in ("prep", "dative") and child.lower_ != "by":
            if skip_locative and child.lower_ in word_set("locative_prepositions"):
                continue
            found.extend(o for o in child.children if o.dep_ in ("pobj", "pcomp"))
    # objects of prepositions inside the objects ("resumption of ties with Osgiliath")
    queue = list(found)
    seen = {t.i for t in found}
    while queue:
        head = queue.pop(0)
        for child in head.children:
            locative = child.lower_ in word_set("locative_prepositions")
            if child.dep_ != "prep" or (skip_locative and locative):
                continue
            for obj in child.children:
                if obj.dep_ == "pobj" and obj.i not in seen:
                    seen.add(obj.i)
                    found.append(obj)
                    queue.append(obj)
    return found
