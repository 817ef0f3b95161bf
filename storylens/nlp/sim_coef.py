"""Sentence-pair paraphrase model (logistic regression over ``matrix.SIM_FEATURES``).

Written by ``bench/reuse_mrpc.py --write-coef`` from the first half of MRPC: embedding cosine, stem Dice,
stem containment, word-bigram containment, figure conflict, name conflict, length ratio.
"""

COEF = [4.9259, 2.1373, 3.4629, -2.0761, -0.7003, 0.2035, 4.3703]
INTERCEPT = -9.578
