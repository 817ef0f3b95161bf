"""Derivation classifier: logistic regression over alignment-structure features.

Written by ``bench/reuse.py --calibrate`` from the calibration half (even ids) of
rewrites-dev mixed with allsides; the other half is kept for reporting.
"""

FEATURES = ["chain50", "chain60", "chain_p50", "log_chain_p50_count", "mean_best_cos", "containment", "specifics_containment", "stem_jaccard", "source_specifics_kept", "specifics_order", "log_shared_specifics", "log_chain50_count", "soft_coverage", "char4_cosine", "length_ratio"]
COEF = [-5.0622, 0.5333, -3.9513, 1.7679, 5.2951, -0.5234, 5.5683, 4.6847, 2.3378, 3.1158, 1.4537, 3.6451, 2.5575, 0.4882, -11.2627]
INTERCEPT = -6.8041
THRESHOLD = 0.45
DIR_COEF = [2.0456, 3.3107, 4.1645, 0.2215, 0.4968, 1.1933]
