"""Hierarchical clustering of chapter 06 (rnnlib.clustering)."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from rnnlib import clustering


def test_distances_are_euclidean_and_symmetric():
    rng = np.random.default_rng(0)
    P = rng.normal(size=(6, 4))
    D = clustering.distances(P)
    brute = np.array([[np.sqrt(sum((a - b) ** 2)) for b in P] for a in P])
    assert np.allclose(D, brute, rtol=1e-14, atol=0)
    assert np.array_equal(D, D.T) and np.all(np.diag(D) == 0)


def lance_williams_average(P):
    """Average linkage by the Lance-Williams update of a distance matrix (an independent method)."""
    D = clustering.distances(P).tolist()
    n = len(P)
    active = {i: 1 for i in range(n)}  # cluster -> size
    dist = {(i, j): D[i][j] for i in range(n) for j in range(i + 1, n)}
    merges = []
    for k in range(n - 1):
        (a, b), d = min(dist.items(), key=lambda kv: (kv[1], kv[0]))
        new = n + k
        for c in active:
            if c in (a, b):
                continue
            da = dist[tuple(sorted((a, c)))]
            db = dist[tuple(sorted((b, c)))]
            dist[(c, new)] = (active[a] * da + active[b] * db) / (active[a] + active[b])
        active[new] = active.pop(a) + active.pop(b)
        dist = {key: v for key, v in dist.items() if a not in key and b not in key}
        merges.append((a, b, d, active[new]))
    return np.array(merges)


@pytest.mark.parametrize("seed", range(5))
def test_average_linkage_agrees_with_lance_williams(seed):
    P = np.random.default_rng(seed).normal(size=(9, 3))
    Z = clustering.average_linkage(P)
    ref = lance_williams_average(P)
    assert np.array_equal(Z[:, [0, 1, 3]], ref[:, [0, 1, 3]])
    assert np.allclose(Z[:, 2], ref[:, 2], rtol=1e-12)
    assert np.all(np.diff(Z[:, 2]) >= 0)  # average linkage never merges lower than before


def test_a_small_tree_by_hand():
    # points on a line: {0, 1} and {5, 6} are pairs, 20 is far away
    P = np.array([[0.0], [1.0], [5.0], [6.0], [20.0]])
    Z = clustering.average_linkage(P)
    # the two pairs tie at distance 1: the pair with the smaller numbers goes first
    assert Z[0].tolist() == [0, 1, 1.0, 2] and Z[1].tolist() == [2, 3, 1.0, 2]
    assert Z[2].tolist() == [5, 6, 5.0, 4]  # mean of 5, 6, 4, 5
    assert Z[3, :2].tolist() == [4, 7] and Z[3, 2] == pytest.approx((20 + 19 + 15 + 14) / 4)
    assert clustering.members(Z, 7) == [0, 1, 2, 3]
    assert clustering.is_cluster(Z, [2, 3]) and clustering.is_cluster(Z, [4])
    assert not clustering.is_cluster(Z, [1, 2])
    assert clustering.leaf_order(Z) == [4, 0, 1, 2, 3]


def test_draw_dendrogram_labels_every_leaf():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    P = np.array([[0.0], [1.0], [5.0], [6.0], [20.0]])
    Z = clustering.average_linkage(P)
    fig, ax = plt.subplots()
    order = clustering.draw_dendrogram(ax, Z, list("abcde"), colors=["k"] * 5)
    assert order == clustering.leaf_order(Z)
    assert [t.get_text() for t in ax.get_yticklabels()] == [list("abcde")[i] for i in order]
    assert len(ax.lines) == 3 * len(Z)
    with pytest.raises(ValueError, match="labels must name the 5 leaves"):
        clustering.draw_dendrogram(ax, Z, list("abc"))
    plt.close(fig)


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="points must be a matrix"):
        clustering.distances(np.zeros(4))
    with pytest.raises(ValueError, match="at least 2 rows"):
        clustering.average_linkage(np.zeros((1, 3)))
    with pytest.raises(ValueError, match="finite"):
        clustering.distances([[0.0, np.nan], [1.0, 2.0]])
    Z = clustering.average_linkage(np.arange(8.0).reshape(4, 2))
    with pytest.raises(ValueError, match="cluster must be an integer from 0 to 6"):
        clustering.members(Z, 7)
    with pytest.raises(ValueError, match="leaves must be a non-empty set"):
        clustering.is_cluster(Z, [])
    with pytest.raises(ValueError, match="merges must be the"):
        clustering.leaf_order(np.zeros((3, 3)))


# -------------------------------------------------- scaled distances, O(n^2) linkage, checked trees
def plain_average_linkage(P):
    """The straightforward O(n^3) algorithm, as rnnlib had it: every pair of clusters, every
    step."""
    dist = clustering.distances(P)
    n = len(dist)
    groups = {i: [i] for i in range(n)}
    merges = np.zeros((n - 1, 4))
    for k in range(n - 1):
        ids = sorted(groups)
        best = None
        for pos, a in enumerate(ids):
            for b in ids[pos + 1 :]:
                d = dist[np.ix_(groups[a], groups[b])].mean()
                if best is None or d < best[2]:
                    best = (a, b, d)
        a, b, d = best
        groups[n + k] = groups.pop(a) + groups.pop(b)
        merges[k] = (a, b, d, len(groups[n + k]))
    return merges


def test_distances_neither_underflow_nor_overflow():
    # the reproducers: 1e-200 vs 0 gave 0, 1e200 vs 0 gave inf
    assert clustering.distances([[1e-200], [0.0]])[0, 1] == 1e-200
    assert clustering.distances([[1e200], [0.0]])[0, 1] == 1e200
    assert (
        clustering.distances([[1e200, 1e-200], [1e200, 0.0]])[0, 1] == 1e-200
    )  # scaled by the difference
    assert clustering.distances([[5e-324], [0.0]])[0, 1] == 5e-324  # the smallest subnormal
    for k in (-1070, -600, 0, 600, 1000):  # 3-4-5, exactly, at any scale
        c = np.ldexp(1.0, k)
        assert clustering.distances([[0.0, 0.0], [3 * c, 4 * c]])[0, 1] == 5 * c
    big = np.finfo(float).max / 2
    assert clustering.distances([[big, big], [0.0, 0.0]])[0, 1] == pytest.approx(
        np.sqrt(2) * big, rel=1e-15
    )


def test_a_distance_beyond_the_largest_float_is_inf_and_linkage_refuses_it():
    D = clustering.distances([[1.7e308], [-1.7e308], [0.0]])
    assert D[0, 1] == np.inf and D[0, 2] == 1.7e308 and np.array_equal(D, D.T)
    with pytest.raises(ValueError, match="rows 0 and 1 are farther apart than the largest float"):
        clustering.average_linkage([[1.7e308], [-1.7e308], [0.0]])


def test_distances_keep_the_bits_of_the_plain_formula():
    rng = np.random.default_rng(4)
    for shape in (
        (7, 3),
        (40, 1),
        (300, 20),
        (30, 129),
    ):  # (300, 20) is computed in two blocks of rows
        P = rng.normal(size=shape) * 10.0 ** rng.integers(-50, 50, size=(shape[0], 1))
        diff = P[:, None, :] - P[None, :, :]
        assert np.array_equal(clustering.distances(P), np.sqrt(np.sum(diff * diff, axis=-1)))


def test_distances_check_the_size_before_allocating():
    with pytest.raises(ValueError, match=r"points with 1000000 rows needs an array of .* bytes"):
        clustering.distances(np.zeros((10**6, 1)))


finite = st.floats(-1e6, 1e6).filter(lambda x: x == 0 or abs(x) >= 2.0**-30)


@settings(max_examples=80, deadline=None)
@given(
    X=hnp.arrays(np.float64, st.tuples(st.integers(2, 6), st.integers(1, 5)), elements=finite),
    k=st.one_of(st.integers(-900, 990), st.sampled_from([-900, -640, 640, 990])),
)
def test_distances_scale_exactly_by_powers_of_two(X, k):
    # every difference of c X stays a normal float, so scaling by c = 2^k is exact: same bits
    # times c
    c = np.ldexp(1.0, k)
    D, Dc = clustering.distances(X), clustering.distances(X * c)
    assert np.array_equal(Dc, D * c)
    differ = np.any(X[:, None, :] != X[None, :, :], axis=-1)
    assert np.all(np.isfinite(Dc)) and np.array_equal(Dc > 0, differ)


@settings(max_examples=80, deadline=None)
@given(
    X=hnp.arrays(
        np.float64, st.tuples(st.integers(2, 5), st.integers(1, 4)), elements=st.floats(-1e6, 1e6)
    ),
    k=st.integers(-1074, 1000),
)
def test_distances_match_math_dist_at_any_scale(X, k):
    # math.dist scales too; subnormal coordinates included (k down to -1074)
    Xc = X * np.ldexp(1.0, k)
    D = clustering.distances(Xc)
    for i, j in zip(*np.triu_indices(len(Xc), 1), strict=True):
        ref = math.dist(Xc[i], Xc[j])
        assert D[i, j] == pytest.approx(ref, rel=1e-14, abs=2e-323)
        assert np.isfinite(D[i, j]) and (D[i, j] > 0) == bool(np.any(Xc[i] != Xc[j]))


@settings(max_examples=60, deadline=None)
@given(
    X=hnp.arrays(
        np.float64,
        st.tuples(st.integers(2, 12), st.integers(1, 3)),
        elements=st.one_of(st.integers(0, 3).map(float), st.floats(-10, 10)),
    )
)
def test_average_linkage_matches_the_plain_algorithm(X):
    # same merges, same heights to the bit, same tie-breaking (small integer grids make many ties)
    assert np.array_equal(clustering.average_linkage(X), plain_average_linkage(X))


@pytest.mark.parametrize("seed", range(4))
def test_average_linkage_matches_the_plain_algorithm_on_larger_sets(seed):
    rng = np.random.default_rng(seed)
    X = [
        rng.normal(size=(60, 3)),
        rng.integers(0, 3, size=(60, 2)).astype(float),
        np.cumsum(rng.random((60, 1)) ** 3, axis=0),
        np.repeat(rng.normal(size=(15, 2)), 4, axis=0),
    ][seed]
    assert np.array_equal(clustering.average_linkage(X), plain_average_linkage(X))


def test_ties_go_to_the_smallest_cluster_numbers():
    # pairs (0, 3) and (1, 2) both at distance 2: the smaller first number wins, whatever the second
    Z = clustering.average_linkage([[0.0], [10.0], [12.0], [2.0]])
    assert Z[0].tolist() == [0, 3, 2.0, 2] and Z[1].tolist() == [1, 2, 2.0, 2]
    # equal gaps: (0, 1) before (1, 2); then the new cluster 3 is joined with leaf 2 as [2, 3]
    Z = clustering.average_linkage([[0.0], [2.0], [4.0]])
    assert Z.tolist() == [[0, 1, 2.0, 2], [2, 3, 3.0, 3]]


def caterpillar(n):
    """A merge table in which each merge adds one leaf to the cluster before: a tree n - 1 deep."""
    Z = [[0, 1, 1.0, 2]] + [[k + 1, n + k - 1, k + 1.0, k + 2] for k in range(1, n - 1)]
    return np.array(Z)


def test_reading_a_deep_tree_needs_no_recursion():
    n = 5000  # deeper than Python's recursion limit
    Z = caterpillar(n)
    assert clustering.leaf_order(Z) == list(range(n - 1, 1, -1)) + [0, 1]
    assert clustering.members(Z, 2 * n - 2) == list(range(n))
    assert clustering.is_cluster(Z, range(n - 3)) and not clustering.is_cluster(Z, range(1, n - 2))
    # and average linkage makes such a tree from points whose gaps double
    Z = clustering.average_linkage(np.ldexp(1.0, np.arange(12))[:, None])
    assert np.array_equal(Z[:, [0, 1, 3]], caterpillar(12)[:, [0, 1, 3]])


def test_is_cluster_agrees_with_every_branch():
    X = np.random.default_rng(7).normal(size=(14, 2))
    Z = clustering.average_linkage(X)
    branches = {tuple(clustering.members(Z, c)) for c in range(2 * len(X) - 1)}
    rng = np.random.default_rng(8)
    candidates = list(branches) + [
        tuple(sorted(rng.choice(14, rng.integers(1, 15), replace=False))) for _ in range(300)
    ]
    for leaves in candidates:
        assert clustering.is_cluster(Z, leaves) == (tuple(sorted(set(leaves))) in branches)


@pytest.mark.parametrize(
    "rows,row",
    [
        ([[2, 0, 1.0, 2]], 0),  # a cluster made of itself (read forever before)
        ([[0, 1, 1.0, 2], [0, 2, 2.0, 3]], 1),  # leaf 0 joined twice
        ([[0, 0, 1.0, 2], [1, 2, 2.0, 3]], 0),  # a leaf joined with itself
        ([[0, 4, 1.0, 2], [1, 2, 2.0, 3]], 0),  # a cluster that does not exist yet
        ([[0, 1, 1.0, 2], [2, 3, 2.0, 4]], 1),  # a wrong size
        ([[0.5, 1, 1.0, 2], [2, 3, 2.0, 3]], 0),  # not a cluster number
    ],
)
def test_a_malformed_merge_table_is_refused(rows, row):
    for read in (
        clustering.leaf_order,
        lambda Z: clustering.members(Z, 0),
        lambda Z: clustering.is_cluster(Z, [0]),
    ):
        with pytest.raises(
            ValueError, match=rf"merges must be the table of average_linkage: row {row} must join"
        ):
            read(rows)
