"""Sentence-similarity coefficients (logistic regression on five features).

Written by ``bench/reuse_mrpc.py --write-coef`` from the first half of MRPC;
the features are: embedding cosine, stem Dice, stem containment, number
conflict, length ratio, character 4-gram cosine, word 1-/2-/3-gram containment
and Jaccard, name conflict, share of names not shared, word-count difference.
"""

COEF = [4.4997, -1.5399, 2.466, -0.7419, 1.7775, 2.8218, 0.6183, 2.4046, -4.2202, 7.6481, -4.4318, 1.2052, -0.0871, 0.714, -0.7729]
INTERCEPT = -7.2103
