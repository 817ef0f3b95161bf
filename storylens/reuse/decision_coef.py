"""Derivation classifier: logistic regression over alignment-structure features.

Written by ``bench/reuse.py --calibrate`` from the calibration half (even ids) of
rewrites-dev mixed with allsides; the other half is kept for reporting.
"""

FEATURES = ["chain50", "chain60", "chain_p50", "log_chain_p50_count", "mean_best_cos", "containment", "specifics_containment", "stem_jaccard"]
COEF = [-0.4199, 0.5805, -1.9848, 3.5953, 0.5761, 2.7812, 3.7724, 1.3875]
INTERCEPT = -7.5563
THRESHOLD = 0.38
DIR_COEF = [2.0456, 3.3107, 4.1645, 0.2215, 0.4968, 1.1933]
