"""The contract vocabulary as closed rdflib namespaces: a misspelt term is an error.

>>> KGO.Country
rdflib.term.URIRef('https://w3id.org/kg/ontology#Country')
>>> KGO.Contry  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
AttributeError: term 'Contry' not in namespace 'https://w3id.org/kg/ontology#'
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

DEFAULT_BASE = "https://w3id.org/kg/id/"
SCHEMA = Namespace("https://schema.org/")


class KGO(DefinedNamespace):
    """kgo: the project's ontology (classes and properties)."""

    _NS = Namespace("https://w3id.org/kg/ontology#")
    _fail = True

    # classes
    Entity: URIRef
    Country: URIRef
    Organization: URIRef
    Company: URIRef
    GovernmentAgency: URIRef
    InternationalOrganization: URIRef
    MediaOrganization: URIRef
    ResearchOrganization: URIRef
    Person: URIRef
    Place: URIRef
    City: URIRef
    Region: URIRef
    Facility: URIRef
    Treaty: URIRef
    TradeAgreement: URIRef
    Policy: URIRef
    Event: URIRef
    War: URIRef
    Product: URIRef
    WeaponSystem: URIRef
    Sector: URIRef
    Document: URIRef
    Sentence: URIRef
    # entity description
    mentionCount: URIRef
    mentionedIn: URIRef
    startDate: URIRef
    endDate: URIRef
    # relations
    alliedWith: URIRef
    tradesWith: URIRef
    cooperatesWith: URIRef
    competesWith: URIRef
    opposes: URIRef
    investsIn: URIRef
    operatesIn: URIRef
    headquarteredIn: URIRef
    subsidiaryOf: URIRef
    produces: URIRef
    partyTo: URIRef
    issuedBy: URIRef
    memberOf: URIRef
    participatedIn: URIRef
    leaderOf: URIRef
    locatedIn: URIRef
    capitalOf: URIRef
    deployedIn: URIRef
    partOf: URIRef
    foundedBy: URIRef
    suppliesTo: URIRef
    funds: URIRef
    restricts: URIRef
    relatedTo: URIRef
    mentionedWith: URIRef
    # evidence
    confidence: URIRef
    extractor: URIRef
    trigger: URIRef
    text: URIRef
    inDocument: URIRef
    charStart: URIRef
    charEnd: URIRef
    sha256: URIRef
    fingerprint: URIRef  # of a named graph, in a server's manifest graph (kg.remote)


#: Entity classes of the contract, most general first; the local names are used as class keys.
ENTITY_CLASSES: tuple[str, ...] = (
    "Entity",
    "Organization",
    "Company",
    "GovernmentAgency",
    "InternationalOrganization",
    "MediaOrganization",
    "ResearchOrganization",
    "Person",
    "Country",
    "Place",
    "City",
    "Region",
    "Facility",
    "Treaty",
    "TradeAgreement",
    "Policy",
    "Event",
    "War",
    "Product",
    "WeaponSystem",
    "Sector",
)

#: The direct superclass of each entity class (Entity is the root).
SUPERCLASS: dict[str, str] = {
    "Organization": "Entity",
    "Company": "Organization",
    "GovernmentAgency": "Organization",
    "InternationalOrganization": "Organization",
    "MediaOrganization": "Organization",
    "ResearchOrganization": "Organization",
    "Person": "Entity",
    "Country": "Entity",
    "Place": "Entity",
    "City": "Place",
    "Region": "Place",
    "Facility": "Place",
    "Treaty": "Entity",
    "TradeAgreement": "Treaty",
    "Policy": "Entity",
    "Event": "Entity",
    "War": "Event",
    "Product": "Entity",
    "WeaponSystem": "Product",
    "Sector": "Entity",
}

#: Typed relation properties between entities (mentionedWith is kept apart).
RELATION_PROPERTIES: tuple[str, ...] = (
    "alliedWith",
    "tradesWith",
    "cooperatesWith",
    "competesWith",
    "opposes",
    "investsIn",
    "operatesIn",
    "headquarteredIn",
    "subsidiaryOf",
    "produces",
    "partyTo",
    "issuedBy",
    "memberOf",
    "participatedIn",
    "leaderOf",
    "locatedIn",
    "capitalOf",
    "deployedIn",
    "partOf",
    "foundedBy",
    "suppliesTo",
    "funds",
    "restricts",
    "relatedTo",
)

SYMMETRIC_PROPERTIES: frozenset[str] = frozenset(
    {"alliedWith", "tradesWith", "cooperatesWith", "competesWith", "mentionedWith"}
)


def is_subclass(cls: str, ancestor: str) -> bool:
    """True when ``cls`` is ``ancestor`` or one of its subclasses.

    >>> is_subclass("TradeAgreement", "Treaty"), is_subclass("City", "Country")
    (True, False)
    """
    while True:
        if cls == ancestor:
            return True
        if cls not in SUPERCLASS:
            return False
        cls = SUPERCLASS[cls]


def kgo(name: str) -> URIRef:
    """The kgo: term with this local name; an unknown name is an error, as with ``KGO.name``.

    >>> kgo("investsIn")
    rdflib.term.URIRef('https://w3id.org/kg/ontology#investsIn')
    """
    term: URIRef = getattr(KGO, name)
    return term


def class_depth(cls: str) -> int:
    """How far below ``Entity`` a class sits (0 for Entity and for unknown names).

    >>> class_depth("Entity"), class_depth("Company"), class_depth("TradeAgreement")
    (0, 2, 2)
    """
    depth = 0
    while cls in SUPERCLASS:
        cls = SUPERCLASS[cls]
        depth += 1
    return depth


def most_specific(classes: Iterable[str]) -> str:
    """The deepest contract class among ``classes``; ties go to the first name alphabetically.

    >>> most_specific(["Organization", "Company", "Entity"]), most_specific([])
    ('Company', 'Entity')
    """
    return min(classes, key=lambda cls: (-class_depth(cls), cls), default="Entity")


def prefixes(base: str = DEFAULT_BASE) -> dict[str, str]:
    """The prefixes every kg graph, query and report uses; ``kgr`` is the build's base.

    >>> prefixes("https://example.org/")["kgr"], prefixes()["kgo"]
    ('https://example.org/', 'https://w3id.org/kg/ontology#')
    """
    from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

    return {
        "kgo": str(KGO._NS),
        "kgr": base,
        "schema": str(SCHEMA),
        "prov": str(PROV),
        "skos": str(SKOS),
        "dcterms": str(DCTERMS),
        "owl": str(OWL),
        "xsd": str(XSD),
        "rdfs": str(RDFS),
        "rdf": str(RDF),
    }
