"""Sentence-similarity coefficients (logistic regression on five features).

Written by ``bench/reuse_mrpc.py --write-coef`` from the first half of MRPC;
the features are: embedding cosine, stem Dice, stem containment, number
conflict, length ratio.
"""

COEF = [3.9404, 1.686, 1.5338, -0.6128, 3.2117]
INTERCEPT = -7.0915
