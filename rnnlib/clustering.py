"""Hierarchical clustering of hidden-state vectors and its dendrogram (chapter 06).

Elman (1990) averaged the hidden layer of his word-prediction network over
every occurrence of each word and clustered the mean vectors hierarchically:
start with every word on its own, and repeatedly join the two closest groups.

* ``distances``: Euclidean distances between the rows of a matrix, computed
  elementwise (differences, squares, one sum per pair, a square root), so that
  the digits are the same on every machine; a tie between two candidate merges
  is then decided the same way everywhere.
* ``average_linkage``: agglomerative clustering, the distance between two
  groups being the mean distance between their members. Returns the merges in
  the layout of SciPy's ``linkage`` (one row ``[a, b, height, size]`` per merge;
  leaves are 0..n-1 and the k-th merge makes cluster n + k).
* ``members``, ``is_cluster``, ``leaf_order``: read the tree.
* ``draw_dendrogram``: draw it on a matplotlib ``Axes`` (leaves on the y axis).
"""
import numpy as np

from ._checks import as_float_array


def distances(points):
    """Euclidean distance between every two rows of ``points`` (n, d): an (n, n) array (chapter 06).

    ``d(i, j) = sqrt(sum_k (p_ik - p_jk)^2)``, computed from elementwise
    operations and one sum along the contiguous last axis (no BLAS), so the
    result does not depend on the machine.
    """
    P = as_float_array("points", points)
    if P.ndim != 2 or P.shape[0] < 2 or P.shape[1] < 1:
        raise ValueError(f"points must be a matrix (n, d) with at least 2 rows and 1 column, got shape {P.shape}")
    if not np.all(np.isfinite(P)):
        raise ValueError("points must be finite (no NaN or infinity)")
    diff = P[:, None, :] - P[None, :, :]
    return np.sqrt(np.sum(diff * diff, axis=-1))


def average_linkage(points):
    """Agglomerative clustering of the rows of ``points`` with average linkage (chapter 06).

    Every row starts as its own cluster; at each step the two clusters with the
    smallest mean distance between their members are joined (on a tie, the pair
    that comes first, ordered by cluster number). Returns an array (n - 1, 4),
    one row ``[a, b, height, size]`` per merge, in the order of the merges:
    clusters ``a`` and ``b`` (leaves are 0..n-1, merge k makes cluster n + k)
    were joined at mean distance ``height`` into a cluster of ``size`` leaves.
    """
    dist = distances(points)
    n = len(dist)
    groups = {i: [i] for i in range(n)}
    merges = np.zeros((n - 1, 4))
    for k in range(n - 1):
        ids = sorted(groups)
        best = None
        for pos, a in enumerate(ids):
            for b in ids[pos + 1:]:
                d = dist[np.ix_(groups[a], groups[b])].mean()
                if best is None or d < best[2]:
                    best = (a, b, d)
        a, b, d = best
        groups[n + k] = groups.pop(a) + groups.pop(b)
        merges[k] = (a, b, d, len(groups[n + k]))
    return merges


def _check_merges(merges):
    """A merge table as returned by ``average_linkage``: (n - 1, 4) with n >= 2."""
    Z = as_float_array("merges", merges)
    if Z.ndim != 2 or Z.shape[1] != 4 or Z.shape[0] < 1:
        raise ValueError(f"merges must be the (n - 1, 4) table of average_linkage, got shape {Z.shape}")
    return Z


def members(merges, cluster):
    """The leaves (sorted) of cluster number ``cluster`` of a merge table (chapter 06)."""
    Z = _check_merges(merges)
    n = len(Z) + 1
    if isinstance(cluster, bool) or not isinstance(cluster, (int, np.integer)) or not 0 <= cluster < 2 * n - 1:
        raise ValueError(f"cluster must be an integer from 0 to {2 * n - 2}, got {cluster!r}")
    stack, leaves = [int(cluster)], []
    while stack:
        c = stack.pop()
        if c < n:
            leaves.append(c)
        else:
            stack.extend(int(x) for x in Z[c - n, :2])
    return sorted(leaves)


def is_cluster(merges, leaves):
    """True if the leaves ``leaves`` (indices) form exactly one branch of the tree (chapter 06).

    A single leaf and the set of all leaves are always clusters. Two groups
    that together make up all the leaves are both clusters exactly when the
    tree's last merge joins one to the other.
    """
    Z = _check_merges(merges)
    n = len(Z) + 1
    want = sorted({int(i) for i in leaves})
    if not want or want[0] < 0 or want[-1] >= n:
        raise ValueError(f"leaves must be a non-empty set of leaf indices from 0 to {n - 1}, got {list(leaves)!r}")
    return any(members(Z, c) == want for c in range(2 * n - 1))


def leaf_order(merges):
    """The leaves in the order a dendrogram draws them, first branch of each merge first (chapter 06)."""
    Z = _check_merges(merges)
    n = len(Z) + 1
    return _in_order(Z, 2 * n - 2)


def _in_order(Z, cluster):
    """The leaves of ``cluster`` in drawing order."""
    n = len(Z) + 1
    if cluster < n:
        return [int(cluster)]
    a, b = (int(x) for x in Z[cluster - n, :2])
    return _in_order(Z, a) + _in_order(Z, b)


def draw_dendrogram(ax, merges, labels, colors=None, lw=1.4):
    """Draw the tree of ``average_linkage`` on the matplotlib Axes ``ax``, leaves on the y axis (chapter 06).

    Leaf i is labelled ``labels[i]`` (its tick label coloured ``colors[i]`` if
    given); a merge at height h is a vertical line at x = h joining its two
    branches, as in the paper's figure of the clustered words. Returns the
    leaves in drawing order, top to bottom.
    """
    Z = _check_merges(merges)
    n = len(Z) + 1
    if len(labels) != n:
        raise ValueError(f"labels must name the {n} leaves, got {len(labels)} labels")
    if colors is not None and len(colors) != n:
        raise ValueError(f"colors must give one colour per leaf ({n}), got {len(colors)}")
    order = leaf_order(Z)
    y = {leaf: n - 1 - row for row, leaf in enumerate(order)}   # first leaf at the top
    x = {leaf: 0.0 for leaf in range(n)}
    for k, (a, b, height, _) in enumerate(Z):
        a, b = int(a), int(b)
        for child in (a, b):
            ax.plot([x[child], height], [y[child], y[child]], color="0.25", lw=lw)
        ax.plot([height, height], [y[a], y[b]], color="0.25", lw=lw)
        x[n + k], y[n + k] = height, (y[a] + y[b]) / 2
    ax.set_yticks([y[leaf] for leaf in order], [labels[leaf] for leaf in order])
    if colors is not None:
        for tick, leaf in zip(ax.get_yticklabels(), order):
            tick.set_color(colors[leaf])
    ax.set_ylim(-0.7, n - 0.3)
    ax.set_xlim(left=0)
    return order
