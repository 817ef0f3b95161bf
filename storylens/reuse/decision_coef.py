"""Derivation classifier: logistic regression over alignment-structure features.

Written by ``bench/reuse.py --calibrate`` from the calibration half (even ids) of
rewrites-dev mixed with allsides; the other half is kept for reporting.
"""

FEATURES = ["chain50", "chain60", "chain_p50", "mean_best_cos", "chain_count_capped", "containment", "specifics_containment", "stem_jaccard"]
COEF = [-2.2569, 0.8822, 1.7092, 0.7786, 6.0501, 2.8722, 3.9681, 1.6194]
INTERCEPT = -8.2882
THRESHOLD = 0.34
DIR_COEF = [2.2782, 2.7138, 1.6276, 0.4067, 0.8782, 1.2201]
