"""Hierarchical clustering of chapter 06 (rnnlib.clustering)."""
import numpy as np
import pytest

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
    active = {i: 1 for i in range(n)}          # cluster -> size
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
    assert np.all(np.diff(Z[:, 2]) >= 0)           # average linkage never merges lower than before


def test_a_small_tree_by_hand():
    # points on a line: {0, 1} and {5, 6} are pairs, 20 is far away
    P = np.array([[0.0], [1.0], [5.0], [6.0], [20.0]])
    Z = clustering.average_linkage(P)
    # the two pairs tie at distance 1: the pair with the smaller numbers goes first
    assert Z[0].tolist() == [0, 1, 1.0, 2] and Z[1].tolist() == [2, 3, 1.0, 2]
    assert Z[2].tolist() == [5, 6, 5.0, 4]            # mean of 5, 6, 4, 5
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
