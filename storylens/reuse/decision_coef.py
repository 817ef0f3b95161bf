"""Derivation classifier: logistic regression over alignment-structure features.

Written by ``bench/reuse.py --calibrate`` from the calibration half (even ids) of
rewrites-dev mixed with allsides; the other half is kept for reporting.
"""

FEATURES = ["chain50", "chain60", "chain_p50", "log_chain_p50_count", "mean_best_cos", "containment", "specifics_containment", "stem_jaccard"]
COEF = [-0.3493, 0.8229, -2.4965, 3.6286, 0.6585, 2.7027, 4.1196, 1.4798]
INTERCEPT = -7.6973
THRESHOLD = 0.4
DIR_COEF = [2.0456, 3.3107, 4.1645, 0.2215, 0.4968, 1.1933]
