"""Sentence-similarity coefficients (logistic regression on five features).

Written by ``bench/reuse_mrpc.py --write-coef`` from the first half of MRPC;
the features are: embedding cosine, stem Dice, stem containment, number
conflict, length ratio.
"""

COEF = [8.0, 4.0, 2.0, -1.0, 0.5]
INTERCEPT = -9.0
