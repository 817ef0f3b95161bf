"""Derivation classifier: logistic regression over alignment-structure features.

Written by ``bench/reuse.py --calibrate`` from the calibration half (even ids) of
rewrites-dev mixed with allsides (short independent leads) and t17-h1n1 (long independent
reports of one story by BBC, Guardian and Reuters, paired across outlets within a day);
the other half is kept for reporting.
"""

FEATURES = ["chain50", "chain60", "chain_p50", "log_chain_p50_count", "mean_best_cos", "containment", "specifics_containment", "stem_jaccard", "source_specifics_kept", "specifics_order", "log_shared_specifics", "log_chain50_count", "soft_coverage", "char4_cosine", "length_ratio"]
COEF = [-1.9451, 0.5046, -6.6372, 3.5656, 2.7584, -4.4939, 8.2828, 12.5865, 2.8608, 6.1293, -0.6893, 1.3467, 4.2437, -4.7789, -7.5032]
INTERCEPT = -4.8337
THRESHOLD = 0.45
DIR_COEF = [2.0456, 3.3107, 4.1645, 0.2215, 0.4968, 1.1933]
