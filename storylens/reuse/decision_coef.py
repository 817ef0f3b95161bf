"""Derivation classifier: logistic regression over alignment-structure features.

Written by ``bench/reuse.py --calibrate`` from the calibration half (even ids) of
rewrites-dev mixed with allsides; the other half is kept for reporting.
"""

FEATURES = ["chain50", "chain60", "chain_p50", "log_chain_p50_count", "mean_best_cos", "containment", "specifics_containment", "stem_jaccard", "source_specifics_kept", "specifics_order", "log_shared_specifics", "log_chain50_count", "soft_coverage", "char4_cosine", "length_ratio"]
COEF = [-5.5467, 0.3252, -3.6893, 0.9542, 5.7695, -0.2624, 5.198, 4.6463, 2.1599, 3.2226, 1.5712, 3.9538, 4.0852, 1.0582, -11.115]
INTERCEPT = -7.6638
THRESHOLD = 0.55
DIR_COEF = [2.0456, 3.3107, 4.1645, 0.2215, 0.4968, 1.1933]
