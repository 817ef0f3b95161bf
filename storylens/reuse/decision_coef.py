"""Derivation classifier: logistic regression over alignment-structure features.

Written by ``bench/reuse.py --calibrate`` from the calibration half (even ids) of
rewrites-dev mixed with allsides; the other half is kept for reporting.
"""

FEATURES = ["chain50", "chain60", "chain_p50", "log_chain_p50_count", "mean_best_cos", "containment", "specifics_containment", "stem_jaccard"]
COEF = [-0.4199, 0.5805, -1.9848, 3.5953, 0.5761, 2.7812, 3.7724, 1.3875]
INTERCEPT = -7.5563
THRESHOLD = 0.38
DIR_COEF = [2.1574, 3.0978, 3.6537, 0.3497, 0.6245, 1.1196]
