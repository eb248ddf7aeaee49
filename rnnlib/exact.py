"""The old name of ``rnnlib.portable``, kept so that code written for earlier editions runs.

``rnnlib.exact.matmul``, ``rows_dot``, ``tanh``, ``sigmoid``, ``exp``, ``expm1``
and ``sum_rows`` are ``rnnlib.portable``'s functions of the same names: the
arithmetic is *reproducible* (the same digits on every machine), which the old
name did not say. Use ``rnnlib.portable``.
"""

from .portable import exp, expm1, matmul, rows_dot, sigmoid, tanh, total


def sum_rows(A):
    """Sum over the second-to-last axis, kept (softmax denominators): ``rnnlib.portable``'s
    order."""
    from .arithmetic import REPRODUCIBLE

    return REPRODUCIBLE.sum_rows(A)


__all__ = ["exp", "expm1", "matmul", "rows_dot", "sigmoid", "sum_rows", "tanh", "total"]
