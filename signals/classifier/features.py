"""TF-IDF features, with a fast path for scoring linear models.

Two blocks, side by side:

- words: 1-2 grams (keeping one-letter words and "?"), TF-IDF with sublinear tf,
  l2-normalised; exactly scikit-learn's ``TfidfVectorizer``;
- characters: char_wb 2-5 grams (typos, shorthand, "licences"/"licenses"), weighted
  by idf. A char_wb n-gram never crosses a word boundary, so a text's char vector
  is the sum of its words' vectors. This block therefore uses raw counts and
  divides by sqrt(sum of count x idf^2) (the l2 norm the n-grams would have if no
  two words shared one), which keeps it additive over words.

Additivity is what makes scoring fast: ``LinearScorer`` folds a model's char
weights into one small vector per distinct word, remembered across calls (a
bounded cache, so memory stays flat). Scoring a text is then a sparse word-block
product plus a sum of cached word vectors, instead of ~20 char n-gram lookups per
word. The models are trained on exactly the matrix ``transform`` returns, and a
test checks that ``LinearScorer`` gives the same scores as ``transform`` @ coef.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import chain, repeat

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

WORD_TOKEN_PATTERN = r"(?u)\b\w+\b|\?"  # keep one-letter words and "?" (a curiosity cue)
CHAR_NGRAMS = (2, 5)
# The same tokens as WORD_TOKEN_PATTERN (a maximal run of word characters always sits between
# two word boundaries), found a fifth faster; a test compares the two on the corpus.
_WORD_TOKEN_RE = re.compile(r"\w+|\?")
_CACHE_LIMIT = 200_000  # distinct words remembered by a scorer; cleared when full (flat memory)
_EMPTY = np.zeros(0, dtype=np.int32)


def _vectorizers() -> tuple[TfidfVectorizer, TfidfVectorizer]:
    word = TfidfVectorizer(
        analyzer="word",
        ngram_range=(1, 2),
        sublinear_tf=True,
        lowercase=True,
        token_pattern=WORD_TOKEN_PATTERN,
    )
    char = TfidfVectorizer(analyzer="char_wb", ngram_range=CHAR_NGRAMS, sublinear_tf=True, lowercase=True, min_df=2)
    return word, char


@dataclass
class Featurizer:
    word_vectorizer: TfidfVectorizer
    char_vocabulary: dict[str, int]
    char_idf: np.ndarray

    @classmethod
    def fit(cls, texts: Sequence[str]) -> tuple[Featurizer, csr_matrix]:
        """Fit vocabularies and idf weights on texts; return the featurizer and their matrix."""
        word, char = _vectorizers()
        word.fit(texts)
        char.fit(texts)
        featurizer = cls(word, dict(char.vocabulary_), char.idf_.astype(np.float64))
        return featurizer, featurizer.transform(texts)

    @property
    def n_word_features(self) -> int:
        return len(self.word_vectorizer.idf_)

    def transform(self, texts: Sequence[str]) -> csr_matrix:
        """The feature matrix of texts (what the models are trained on)."""
        words = self.word_vectorizer.transform(texts)
        per_text = [[self.word_char_ngrams(w) for w in doc_words(text)] for text in texts]
        indptr = np.zeros(len(texts) + 1, dtype=np.int64)
        np.cumsum([sum(len(g) for g in grams) for grams in per_text], out=indptr[1:])
        flat = [g for grams in per_text for g in grams]
        indices = np.concatenate(flat) if flat else _EMPTY
        idf = self.char_idf
        values = idf[indices]
        owner = np.repeat(np.arange(len(texts)), np.diff(indptr))
        norms = _norms(np.bincount(owner, weights=_weight(values), minlength=len(texts)))
        chars = csr_matrix((values, indices, indptr), shape=(len(texts), len(idf)))
        chars.sum_duplicates()
        chars = csr_matrix(chars.multiply(1.0 / norms[:, None]))
        return hstack([words, chars], format="csr")

    def word_char_ngrams(self, word: str) -> np.ndarray:
        """Vocabulary indices of one word's char_wb n-grams (scikit-learn's algorithm)."""
        get = self.char_vocabulary.get
        padded = f" {word} "
        length = len(padded)
        found: list[int] = []
        min_n, max_n = CHAR_NGRAMS
        for n in range(min_n, max_n + 1):
            if n >= length:
                # scikit-learn counts a word no longer than n once, as itself, then stops.
                index = get(padded)
                if index is not None:
                    found.append(index)
                break
            for offset in range(length - n + 1):
                index = get(padded[offset : offset + n])
                if index is not None:
                    found.append(index)
        return np.array(found, dtype=np.int32)

    def scorer(self, coef: np.ndarray, intercept: np.ndarray) -> LinearScorer:
        """A fast scorer of features @ coef.T + intercept (coef: one row per output)."""
        n_word = self.n_word_features
        return LinearScorer(
            featurizer=self,
            word_coef=np.ascontiguousarray(coef[:, :n_word].T),
            char_coef=np.ascontiguousarray(coef[:, n_word:].T),
            intercept=np.asarray(intercept, dtype=np.float64),
        )


CHAR_WORDS = "distinct"
CHAR_NORM = "l2approx"


def doc_words(text: str) -> list[str]:
    """The words whose char n-grams make up a text's char block."""
    words = text.lower().split()
    return list(dict.fromkeys(words)) if CHAR_WORDS == "distinct" else words


def _weight(idf_values: np.ndarray) -> np.ndarray:
    return idf_values**2 if CHAR_NORM == "l2approx" else idf_values


def _norms(totals: np.ndarray) -> np.ndarray:
    norms = np.sqrt(totals) if CHAR_NORM == "l2approx" else np.asarray(totals, dtype=np.float64)
    norms[norms == 0] = 1.0
    return norms


def _spans(lengths: list[int]) -> list[tuple[int, int]]:
    spans, start = [], 0
    for length in lengths:
        spans.append((start, start + length))
        start += length
    return spans


@dataclass
class LinearScorer:
    """features @ coef.T + intercept, with the char block folded into per-word vectors."""

    featurizer: Featurizer
    word_coef: np.ndarray  # (n_word_features, k)
    char_coef: np.ndarray  # (n_char_features, k)
    intercept: np.ndarray  # (k,)
    _rows: dict[str, int] = field(default_factory=dict, repr=False)
    _table: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)), repr=False)
    _weights: np.ndarray = field(default_factory=lambda: np.zeros(0), repr=False)
    _bigrams: tuple[np.ndarray, np.ndarray] | None = field(default=None, repr=False)

    def scores(self, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), k) scores; texts as the model sees them (see model._model_text)."""
        return self._word_block(texts) @ self.word_coef + self._char_scores(texts) + self.intercept

    def _word_block(self, texts: Sequence[str]) -> csr_matrix:
        """scikit-learn's word TF-IDF (1-2 grams, sublinear tf, l2), without its per-token overhead.

        Tokens are looked up once (C-level map over one flat list); bigrams are found
        with array operations: each vocabulary bigram "a b" is stored as the number
        id(a) * V + id(b) in a sorted array, and a text's consecutive token pairs are
        matched against it with one searchsorted.
        """
        vectorizer = self.featurizer.word_vectorizer
        vocabulary = vectorizer.vocabulary_
        n = len(texts)
        per_text = [_WORD_TOKEN_RE.findall(text.lower()) for text in texts]
        lengths = np.fromiter(map(len, per_text), dtype=np.int64, count=n)
        flat = [token for tokens in per_text for token in tokens]
        ids = np.fromiter(map(vocabulary.get, flat, repeat(-1)), dtype=np.int64, count=len(flat))
        owner = np.repeat(np.arange(n, dtype=np.int64), lengths)
        keys, values = self._bigram_table()
        left, right = ids[:-1], ids[1:]
        pair = (owner[:-1] == owner[1:]) & (left >= 0) & (right >= 0)
        codes = left[pair] * self._n_words + right[pair]
        found = np.searchsorted(keys, codes)
        found[found == len(keys)] = 0
        hit = keys[found] == codes if len(keys) else np.zeros(len(codes), dtype=bool)
        known = ids >= 0
        rows = np.concatenate([owner[known], owner[:-1][pair][hit]])
        cols = np.concatenate([ids[known], values[found[hit]]])
        idf = vectorizer.idf_
        matrix = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, len(idf)))
        matrix.sum_duplicates()
        np.log(matrix.data, out=matrix.data)
        matrix.data += 1.0
        matrix.data *= idf[matrix.indices]
        return normalize(matrix, norm="l2", copy=False)

    @property
    def _n_words(self) -> int:
        return len(self.featurizer.word_vectorizer.vocabulary_)

    def _bigram_table(self) -> tuple[np.ndarray, np.ndarray]:
        """Sorted codes id(a) * V + id(b) of the vocabulary's bigrams, and their feature indices."""
        if self._bigrams is None:
            vocabulary = self.featurizer.word_vectorizer.vocabulary_
            size = self._n_words
            codes: list[int] = []
            indices: list[int] = []
            for term, index in vocabulary.items():
                if " " in term:
                    first, second = term.split(" ")
                    # both words of a bigram are in the vocabulary: no pruning (min_df=1, no max_features)
                    codes.append(vocabulary[first] * size + vocabulary[second])
                    indices.append(index)
            order = np.argsort(np.array(codes, dtype=np.int64))
            self._bigrams = (np.array(codes, dtype=np.int64)[order], np.array(indices, dtype=np.int64)[order])
        return self._bigrams

    def _char_scores(self, texts: Sequence[str]) -> np.ndarray:
        if len(self._rows) > _CACHE_LIMIT:
            self._rows, self._table, self._weights = {}, np.zeros((0, 0)), np.zeros(0)
        rows = self._rows
        new: list[str] = []
        doc_words_: list[list[str]] = []
        for text in texts:
            words = doc_words(text)
            doc_words_.append(words)
            for w in words:
                if w not in rows:
                    rows[w] = -1
                    new.append(w)
        if new:
            self._add_words(new)
        indptr = np.zeros(len(texts) + 1, dtype=np.int64)
        np.cumsum([len(w) for w in doc_words_], out=indptr[1:])
        indices = np.fromiter(
            map(rows.__getitem__, chain.from_iterable(doc_words_)), dtype=np.int64, count=int(indptr[-1])
        )
        counts = csr_matrix((np.ones(len(indices)), indices, indptr), shape=(len(texts), len(self._weights)))
        norms = _norms(counts @ self._weights)
        return (counts @ self._table) / norms[:, None]

    def _add_words(self, new: list[str]) -> None:
        """Fold the char weights of newly seen words into the per-word table."""
        featurizer = self.featurizer
        grams = [featurizer.word_char_ngrams(w) for w in new]
        indptr = np.zeros(len(new) + 1, dtype=np.int64)
        np.cumsum([len(g) for g in grams], out=indptr[1:])
        indices = np.concatenate(grams) if grams else _EMPTY
        idf = featurizer.char_idf
        values = idf[indices]
        owner = np.repeat(np.arange(len(new)), np.diff(indptr))
        weights = np.bincount(owner, weights=_weight(values), minlength=len(new))
        by_word = csr_matrix((values, indices, indptr), shape=(len(new), len(idf)))
        by_word.sum_duplicates()
        table = by_word @ self.char_coef
        start = len(self._weights)
        for offset, w in enumerate(new):
            self._rows[w] = start + offset
        if start == 0:
            self._table, self._weights = np.asarray(table), weights
        else:
            self._table = np.vstack([self._table, table])
            self._weights = np.concatenate([self._weights, weights])
