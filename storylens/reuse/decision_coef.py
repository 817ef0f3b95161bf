"""Derivation classifier: logistic regression over alignment-structure features.

Written by ``bench/reuse.py --calibrate`` from the calibration half (even ids) of
rewrites-dev mixed with allsides; the other half is kept for reporting.
"""

FEATURES = ["chain50", "chain60", "chain_p50", "log_chain_p50_count", "mean_best_cos", "containment", "specifics_containment", "stem_jaccard", "source_specifics_kept", "specifics_order", "soft_coverage", "char4_cosine", "length_ratio"]
COEF = [-2.522, -0.0352, -7.4715, 3.4017, 7.0736, 0.0364, 5.9043, 4.3645, 1.6069, 6.7206, 2.3669, 6.4587, -10.8387]
INTERCEPT = -6.2458
THRESHOLD = 0.46
DIR_COEF = [2.0456, 3.3107, 4.1645, 0.2215, 0.4968, 1.1933]
